// Step 2: ask for a device code (RFC 8628 §3.1–3.2, or the legacy route). The device code is a
// secret that only goes back to the token endpoint; the person sees the user code.
import type { Context } from '../context'
import { asObject, optNum, optStr, str } from '../lib/console-api'
import { assertSafeUrl } from '../lib/safe-url'
import type { Endpoints } from './discovery'

export const DEVICE_SCOPE = 'openid profile email offline_access'
const DEFAULT_INTERVAL_SEC = 5

export interface DeviceCode {
  deviceCode: string
  userCode: string
  verificationUri: string
  verificationUriComplete?: string
  expiresInSec: number
  intervalSec: number
  /** Local time the code was received; the lifetime counts from here. */
  receivedAt: number
}

export async function requestDeviceCode(ctx: Context, endpoints: Endpoints): Promise<DeviceCode> {
  const what = 'the device code'
  // Asking again is harmless (a new code), so a dropped connection gets one retry.
  if (endpoints.kind === 'oauth') {
    const body = asObject(
      await ctx.http.postForm<unknown>(endpoints.deviceAuthorizationEndpoint, { client_id: endpoints.clientId, scope: DEVICE_SCOPE }, { retries: 1 }),
      what,
    )
    return checked(ctx, {
      deviceCode: str(body, 'device_code', what),
      userCode: str(body, 'user_code', what),
      verificationUri: str(body, 'verification_uri', what),
      verificationUriComplete: optStr(body, 'verification_uri_complete'),
      expiresInSec: optNum(body, 'expires_in') ?? 600,
      intervalSec: optNum(body, 'interval') ?? DEFAULT_INTERVAL_SEC,
      receivedAt: ctx.clock.now(),
    })
  }
  const body = asObject(await ctx.http.postJson<unknown>(endpoints.deviceCodeUrl, { clientName: 'pensar CLI' }, { retries: 1 }), what)
  return checked(ctx, {
    deviceCode: str(body, 'deviceCode', what),
    userCode: str(body, 'userCode', what),
    verificationUri: str(body, 'verificationUri', what),
    verificationUriComplete: optStr(body, 'verificationUriComplete'),
    expiresInSec: optNum(body, 'expiresIn') ?? 600,
    intervalSec: optNum(body, 'interval') ?? DEFAULT_INTERVAL_SEC,
    receivedAt: ctx.clock.now(),
  })
}

function checked(ctx: Context, code: DeviceCode): DeviceCode {
  // A hostile server must not get us to show or open javascript:, file: or plain remote http:.
  assertSafeUrl(code.verificationUri, 'verification address')
  if (code.verificationUriComplete) assertSafeUrl(code.verificationUriComplete, 'verification address')
  ctx.log.debug(`device code received: expires in ${code.expiresInSec} s, poll every ${code.intervalSec} s`)
  return { ...code, intervalSec: code.intervalSec > 0 ? code.intervalSec : DEFAULT_INTERVAL_SEC }
}
