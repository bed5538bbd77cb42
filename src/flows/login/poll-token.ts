// Step 4: poll until the person approves (RFC 8628 §3.4–3.5). Waits `interval` between polls,
// slow_down adds 5 s for good, denied and expired end it, and network errors, 429 and 5xx back
// off (honouring Retry-After) without giving up before the code expires. The first success
// ends it: a spent code is never polled again.
import type { Context } from '../../context'
import { asObject, credential, optCredential, optNum, optSafeUrl, optStr, parseUser, parseWorkspaceRef } from '../../lib/console-api'
import { clause, PensarError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import type { UserRef, WorkspaceRef } from '../../lib/store'
import type { DeviceCode } from './device-code'
import type { Endpoints, LegacyEndpoints, OAuthEndpoints } from './discovery'

export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code'
const SLOW_DOWN_STEP_MS = 5_000
const MAX_BACKOFF_MS = 60_000
const POLL_TIMEOUT_MS = 30_000

export interface OAuthGrant {
  kind: 'oauth'
  accessToken: string
  refreshToken?: string
  tokenType: string
  expiresInSec?: number
  user?: UserRef
}

export interface LegacyGrant {
  kind: 'legacy'
  apiKey: string
  workspace: WorkspaceRef
  balance?: number
  signingKey?: string
  gatewayUrl?: string
  user?: UserRef
}

export type Grant = OAuthGrant | LegacyGrant

export class DeniedError extends PensarError {
  constructor() {
    super('Authorization was denied in the browser.', { code: 'access_denied', hint: 'Run `pensar login` again if that was a mistake.' })
  }
}

export class CodeExpiredError extends PensarError {
  constructor(unreachable?: HttpError) {
    super(
      unreachable ? `The code expired before Pensar Console could confirm it: ${clause(unreachable.message)}.` : 'The code expired. Run `pensar login` again.',
      { code: 'expired_token', hint: unreachable ? (unreachable.hint ?? 'Run `pensar login` again.') : undefined },
    )
  }
}

type PollOutcome = { done: Grant } | { pending: true } | { slowDown: true }

/** `onWait(msLeft)` is called before every wait, for the spinner. */
export async function pollForGrant(ctx: Context, endpoints: Endpoints, code: DeviceCode, onWait: (msLeft: number) => void = () => {}): Promise<Grant> {
  const expiresAt = code.receivedAt + code.expiresInSec * 1000
  let intervalMs = code.intervalSec * 1000
  let backoffMs = 0
  let lastFailure: HttpError | undefined
  for (;;) {
    const waitMs = Math.max(intervalMs, backoffMs)
    if (ctx.clock.now() + waitMs >= expiresAt + 1000) {
      // The next poll would come after the code's lifetime: wait it out, then give up.
      await ctx.clock.sleep(Math.max(0, expiresAt - ctx.clock.now()), ctx.signal)
      throw new CodeExpiredError(lastFailure)
    }
    onWait(expiresAt - ctx.clock.now())
    await ctx.clock.sleep(waitMs, ctx.signal)
    let outcome: PollOutcome
    try {
      outcome = endpoints.kind === 'oauth' ? await pollOAuth(ctx, endpoints, code) : await pollLegacy(ctx, endpoints, code)
      backoffMs = 0
      lastFailure = undefined
    } catch (error) {
      if (!(error instanceof HttpError) || !error.transient) throw error
      lastFailure = error
      backoffMs = Math.min(MAX_BACKOFF_MS, error.retryAfterMs ?? Math.max(intervalMs, backoffMs * 2))
      ctx.log.debug(`poll failed (${error.message}); next try in ${backoffMs} ms`)
      continue
    }
    if ('done' in outcome) return outcome.done
    if ('slowDown' in outcome) intervalMs += SLOW_DOWN_STEP_MS
  }
}

async function pollOAuth(ctx: Context, endpoints: OAuthEndpoints, code: DeviceCode): Promise<PollOutcome> {
  let body: unknown
  try {
    body = await ctx.http.postForm<unknown>(
      endpoints.tokenEndpoint,
      { grant_type: DEVICE_GRANT_TYPE, device_code: code.deviceCode, client_id: endpoints.clientId },
      { retries: 0, timeoutMs: POLL_TIMEOUT_MS },
    )
  } catch (error) {
    // Only the OAuth `error` field says what a 400 means; a bare 400 is not "pending".
    if (!(error instanceof HttpError) || error.kind !== 'status' || error.transient) throw error
    switch (error.oauthError) {
      case 'authorization_pending':
        return { pending: true }
      case 'slow_down':
        return { slowDown: true }
      case 'access_denied':
        throw new DeniedError()
      case 'expired_token':
        throw new CodeExpiredError()
      case 'invalid_grant':
        throw new PensarError('Pensar Console no longer accepts this code (already used or unknown).', { code: 'invalid_grant', hint: 'Run `pensar login` again.' })
      default:
        throw error
    }
  }
  const what = 'the token response'
  const o = asObject(body, what)
  return {
    done: {
      kind: 'oauth',
      accessToken: credential(o, 'access_token', what),
      refreshToken: optCredential(o, 'refresh_token', what),
      tokenType: optStr(o, 'token_type') ?? 'Bearer',
      expiresInSec: optNum(o, 'expires_in'),
      user: parseUser(o.user, what),
    },
  }
}

async function pollLegacy(ctx: Context, endpoints: LegacyEndpoints, code: DeviceCode): Promise<PollOutcome> {
  const what = 'the device token answer'
  const o = asObject(await ctx.http.postJson<unknown>(endpoints.deviceTokenUrl, { deviceCode: code.deviceCode }, { retries: 0, timeoutMs: POLL_TIMEOUT_MS }), what)
  switch (o.status) {
    case 'pending':
      return { pending: true }
    case 'denied':
      throw new DeniedError()
    case 'expired':
      throw new CodeExpiredError()
    case 'not_found':
      throw new PensarError('Pensar Console no longer knows this code.', { code: 'invalid_grant', hint: 'Run `pensar login` again.' })
    case 'complete': {
      const credits = o.credits && typeof o.credits === 'object' ? (o.credits as Record<string, unknown>) : {}
      return {
        done: {
          kind: 'legacy',
          apiKey: credential(o, 'apiKey', what),
          workspace: parseWorkspaceRef(o.workspace, what),
          balance: optNum(credits, 'balance'),
          signingKey: optStr(o, 'signingKey'),
          gatewayUrl: optSafeUrl(o, 'gatewayUrl'),
          user: parseUser(o.user, what),
        },
      }
    }
    default:
      throw new PensarError(`Pensar Console answered the device token poll with an unknown status ${JSON.stringify(o.status)}.`, { code: 'malformed_response' })
  }
}
