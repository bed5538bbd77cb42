// RFC 8628 device authorization at WorkOS's paths, and the token endpoint's two grants.
import { CLI_CLIENT_ID, KNOWN_CLIENTS, type App } from '../app.ts'
import { ApiError, json, optionalString, readBody, requireString, type Body } from '../lib/http.ts'
import { findByDeviceCode, issueDeviceCode, recordPoll, spend, type DeviceCode, type IssueInput } from '../store/device-codes.ts'
import { createSession, findSession } from '../store/sessions.ts'
import { findUserById } from '../store/users.ts'
import type { RequestContext } from '../router.ts'
import { refreshGrant } from './refresh.ts'
import { addressKey } from '../lib/addresses.ts'
import { minutesToWait } from '../throttle.ts'
import { grantError, NO_STORE, tokenResponse } from './tokens.ts'

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const SLOW_DOWN_STEP_MS = 5000
const POLL_GRACE_MS = 250

export async function authorizeDevice({ app, req, ip }: RequestContext): Promise<Response> {
  const body = await readBody(req)
  const clientId = requireKnownClient(body)
  const login = startDeviceLogin(app, ip, { clientId, legacy: false, scope: optionalString(body, 'scope') })
  return json({
    device_code: login.deviceCode,
    user_code: login.userCode,
    verification_uri: login.verificationUri,
    verification_uri_complete: login.verificationUriComplete,
    expires_in: login.expiresIn,
    interval: login.interval,
  }, 200, NO_STORE)
}

/**
 * Issues a device code of either flow (this one or the legacy §6) with the Console's lifetime and
 * interval, within the client address's budget (both flows share it).
 */
export function startDeviceLogin(app: App, ip: string, input: Pick<IssueInput, 'clientId' | 'legacy' | 'scope' | 'clientName'>) {
  const waitMs = app.throttle.attempt([{ key: `device-codes:${addressKey(ip)}`, max: app.options.deviceCodeLimit }])
  if (waitMs > 0) {
    throw new ApiError(429, 'too_many_requests', `Too many logins were started from this address. Try again in ${minutesToWait(waitMs)}.`, {
      'retry-after': String(Math.ceil(waitMs / 1000)),
    })
  }
  const { deviceCode, code } = issueDeviceCode(app.db, {
    ...input,
    clientIp: ip,
    now: app.now(),
    ttlMs: app.options.deviceTtlSeconds * 1000,
    intervalMs: app.options.intervalSeconds * 1000,
  })
  return {
    deviceCode,
    userCode: code.userCode,
    verificationUri: `${app.url}/device`,
    verificationUriComplete: `${app.url}/device?user_code=${code.userCode}`,
    expiresIn: app.options.deviceTtlSeconds,
    interval: app.options.intervalSeconds,
  }
}

export async function authenticate(ctx: RequestContext): Promise<Response> {
  try {
    const body = await readBody(ctx.req)
    const grantType = requireString(body, 'grant_type')
    const clientId = requireKnownClient(body)
    if (grantType === DEVICE_GRANT) return json(await deviceCodeGrant(ctx.app, body, clientId), 200, NO_STORE)
    if (grantType === 'refresh_token') return json(await refreshGrant(ctx.app, body, clientId), 200, NO_STORE)
    throw new ApiError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported here.`)
  } catch (error) {
    if (error instanceof ApiError) Object.assign(error.headers, NO_STORE)
    throw error
  }
}

export function requireKnownClient(body: Body): string {
  const clientId = requireString(body, 'client_id')
  if (!KNOWN_CLIENTS.has(clientId)) {
    throw new ApiError(401, 'invalid_client', `Unknown client_id. The Pensar CLI's client is ${CLI_CLIENT_ID}.`)
  }
  return clientId
}

async function deviceCodeGrant(app: App, body: Body, clientId: string) {
  const code = findByDeviceCode(app.db, requireString(body, 'device_code'))
  const now = app.now()
  if (!code || code.legacy || code.clientId !== clientId) throw grantError('invalid_grant', 'Unknown device code.')
  if (code.status === 'spent') throw grantError('invalid_grant', 'This device code was already used.')
  if (code.expiresAt <= now) throw grantError('expired_token', 'The device code expired. Start the login again.')
  if (code.status === 'denied') throw grantError('access_denied', 'The request was denied in the browser.')
  if (code.status === 'approved') return exchange(app, code)
  checkPollRate(app, code, now)
  throw grantError('authorization_pending', 'Waiting for the code to be approved in the browser.')
}

// RFC 8628 §3.5: a poll sooner than the interval gets slow_down, and the interval grows by 5 s.
function checkPollRate(app: App, code: DeviceCode, now: number) {
  const tooSoon = code.lastPollAt !== null && now - code.lastPollAt < code.intervalMs - POLL_GRACE_MS
  const intervalMs = tooSoon ? code.intervalMs + SLOW_DOWN_STEP_MS : code.intervalMs
  recordPoll(app.db, code, now, intervalMs)
  if (tooSoon) {
    throw new ApiError(400, 'slow_down', `Polling too fast; wait ${intervalMs / 1000} s between polls.`, {}, { interval: intervalMs / 1000 })
  }
}

async function exchange(app: App, code: DeviceCode) {
  if (!spend(app.db, code)) throw grantError('invalid_grant', 'This device code was already used.')
  const user = findUserById(app.db, code.userId!)
  if (!user) throw grantError('invalid_grant', 'The approving user no longer exists.')
  const session = createSession(app.db, user.id, code.clientId, app.now())
  app.stats.deviceGrants += 1
  return tokenResponse(app, findSession(app.db, session.id)!, user)
}
