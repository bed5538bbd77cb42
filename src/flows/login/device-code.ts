// Step 2: ask for a device code (RFC 8628 §3.1–3.2, or the legacy route). The device code is a
// secret that only goes back to the token endpoint; the person sees the user code.
import type { Context } from '../../context'
import { asObject, optNum, optStr, str } from '../../lib/console-api'
import { PensarError } from '../../lib/errors'
import { HttpError, waitText } from '../../lib/http'
import { assertSafeUrl } from '../../lib/safe-url'
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

// RFC 8628 names the fields in snake_case; the legacy route in camelCase. Same meaning.
const FIELDS = {
  oauth: { deviceCode: 'device_code', userCode: 'user_code', verificationUri: 'verification_uri', verificationUriComplete: 'verification_uri_complete', expiresIn: 'expires_in' },
  legacy: { deviceCode: 'deviceCode', userCode: 'userCode', verificationUri: 'verificationUri', verificationUriComplete: 'verificationUriComplete', expiresIn: 'expiresIn' },
} as const

export async function requestDeviceCode(ctx: Context, endpoints: Endpoints): Promise<DeviceCode> {
  // Asking again is harmless (a new code), so a dropped connection gets one retry.
  const ask = () =>
    endpoints.kind === 'oauth'
      ? ctx.http.postForm<unknown>(endpoints.deviceAuthorizationEndpoint, { client_id: endpoints.clientId, scope: DEVICE_SCOPE }, { retries: 1 })
      : ctx.http.postJson<unknown>(endpoints.deviceCodeUrl, { clientName: 'pensar CLI' }, { retries: 1 })
  try {
    return parseDeviceCode(ctx, await ask(), FIELDS[endpoints.kind])
  } catch (error) {
    // Rate-limited for longer than a retry waits out (lib/http.ts): say so now, not after minutes of silence.
    if (error instanceof HttpError && error.status === 429) {
      throw new PensarError(`Pensar Console is limiting login requests from this address; try again ${waitText(error.retryAfterMs)}.`, {
        code: 'rate_limited',
        hint: 'Every login started from this address counts, other people\'s on the same network too.',
        cause: error,
      })
    }
    throw error
  }
}

function parseDeviceCode(ctx: Context, answer: unknown, names: (typeof FIELDS)[keyof typeof FIELDS]): DeviceCode {
  const what = 'the device code'
  const body = asObject(answer, what)
  const code: DeviceCode = {
    deviceCode: str(body, names.deviceCode, what),
    userCode: str(body, names.userCode, what),
    verificationUri: str(body, names.verificationUri, what),
    verificationUriComplete: optStr(body, names.verificationUriComplete),
    expiresInSec: optNum(body, names.expiresIn) ?? 600,
    intervalSec: optNum(body, 'interval') ?? DEFAULT_INTERVAL_SEC,
    receivedAt: ctx.clock.now(),
  }
  assertShowableCode(code.userCode)
  // A hostile server must not get us to show or open javascript:, file: or plain remote http:.
  assertSafeUrl(code.verificationUri, 'verification address')
  if (code.verificationUriComplete) assertSafeUrl(code.verificationUriComplete, 'verification address')
  ctx.log.debug(`device code received: expires in ${code.expiresInSec} s, poll every ${code.intervalSec} s`)
  return { ...code, intervalSec: code.intervalSec > 0 ? code.intervalSec : DEFAULT_INTERVAL_SEC }
}

/**
 * The user code is read off the screen and typed into a browser, and it goes to the clipboard:
 * letters, digits, spaces and dashes, at most 32 (RFC 8628 §6.1 codes are short and plain).
 * Anything else is refused rather than shown escaped: a code that needs escaping cannot be typed.
 */
const SHOWABLE_CODE = /^[A-Za-z0-9 -]{1,32}$/

function assertShowableCode(userCode: string): void {
  if (SHOWABLE_CODE.test(userCode)) return
  throw new PensarError("Pensar Console sent a code that can't be shown safely.", {
    code: 'unsafe_code',
    hint: 'A code is letters, digits, spaces and dashes (at most 32). Check that --api-url / PENSAR_API_URL points at a Pensar Console you trust.',
  })
}
