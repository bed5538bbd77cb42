// One way to get a valid access token (issue 4, items 1–4). Refresh when the token's `exp` is
// within 60 s by the server's clock, or when the Console rejected it (a 401). Refreshing happens
// under a cross-process lock, re-reads auth.json once the lock is held (another process may
// have refreshed already), and writes the rotated refresh token to disk before anything uses
// the new access token. Only `invalid_grant` ends a session; network trouble never does.
import { join } from 'node:path'
import type { Context } from '../context'
import { PensarError } from '../lib/errors'
import { HttpError } from '../lib/http'
import { accessTokenExpiresAt } from '../lib/jwt'
import { acquireRefreshLock, LOCK_FILE_NAME } from '../lib/refresh-lock'
import { serverClockFor } from '../lib/server-clock'
import { InvalidGrantError, requestRefreshGrant, type RefreshedTokens } from './refresh-grant'
import { notLoggedIn, readCredentials, SessionExpiredError, type Credentials, type WorkosCredentials } from './refresh-credentials'

export { SessionExpiredError, SESSION_EXPIRED_MESSAGE } from './refresh-credentials'

/** Refresh this long before `exp`, so a token never expires in flight. */
export const REFRESH_MARGIN_MS = 60_000

export interface ActiveCredentials {
  kind: 'api-key' | 'workos'
  /** What goes after `Bearer`. */
  token: string
  source: 'env' | 'file'
  signingKey?: string
}

export async function getValidAccessToken(ctx: Context): Promise<string> {
  return (await getValidCredentials(ctx)).token
}

export async function getValidCredentials(ctx: Context): Promise<ActiveCredentials> {
  const creds = readCredentials(ctx)
  if (creds.kind === 'none') throw notLoggedIn(creds)
  if (creds.kind === 'api-key') return active(creds)
  if (creds.accessToken && !expiresSoon(ctx, creds)) return active(creds)
  return refreshSession(ctx, { rejectedToken: undefined })
}

/** After the Console answered 401 to `rejectedToken`: renew once (API keys cannot be renewed). */
export async function renewAfterRejection(ctx: Context, rejectedToken: string): Promise<ActiveCredentials> {
  return refreshSession(ctx, { rejectedToken })
}

// One refresh at a time per Context: parallel calls in one process share it.
const inFlight = new WeakMap<Context, Promise<ActiveCredentials>>()

function refreshSession(ctx: Context, opts: { rejectedToken?: string }): Promise<ActiveCredentials> {
  const running = inFlight.get(ctx)
  if (running) return running
  const started = refreshUnderLock(ctx, opts).finally(() => inFlight.delete(ctx))
  inFlight.set(ctx, started)
  return started
}

async function refreshUnderLock(ctx: Context, opts: { rejectedToken?: string }): Promise<ActiveCredentials> {
  const lock = await acquireRefreshLock({ path: join(ctx.env.home, LOCK_FILE_NAME) })
  try {
    const creds = readCredentials(ctx) // again: another process may have refreshed or logged out
    if (creds.kind === 'none') throw notLoggedIn(creds)
    if (creds.kind === 'api-key') return active(creds)
    if (creds.accessToken && creds.accessToken !== opts.rejectedToken && !expiresSoon(ctx, creds)) {
      ctx.log.debug('another process refreshed the session; using its token')
      return active(creds)
    }
    const tokens = await redeemRefreshToken(ctx, creds, opts.rejectedToken)
    if ('token' in tokens) return tokens
    saveTokens(ctx, tokens)
    return { kind: 'workos', token: tokens.accessToken, source: 'file', signingKey: creds.signingKey }
  } finally {
    lock.release()
  }
}

/** The refresh grant, and what each failure means. Returns credentials when a fallback applies. */
async function redeemRefreshToken(ctx: Context, creds: WorkosCredentials, rejectedToken?: string): Promise<RefreshedTokens | ActiveCredentials> {
  if (!creds.refreshToken) throw endSession(ctx)
  if (!creds.tokenEndpoint || !creds.clientId) {
    throw new PensarError(`${ctx.store.paths.auth} lacks the token endpoint or client id needed to renew the session.`, {
      code: 'invalid_auth_file', hint: 'Run `pensar login` to connect again.', exitCode: 4,
    })
  }
  try {
    return await requestRefreshGrant(ctx.http, { tokenEndpoint: creds.tokenEndpoint, clientId: creds.clientId, refreshToken: creds.refreshToken })
  } catch (error) {
    if (error instanceof InvalidGrantError) return afterInvalidGrant(ctx, creds.refreshToken)
    // Network, timeout, 5xx, a garbled answer, any other refusal: the stored session stays.
    if (creds.accessToken && creds.accessToken !== rejectedToken && !isExpired(ctx, creds)) {
      ctx.log.debug(`refresh failed (${(error as Error).message}); the current access token is still valid`)
      return active(creds)
    }
    throw refreshFailed(ctx, error)
  }
}

/** `invalid_grant`: end the session, unless auth.json changed meanwhile (a new login). */
function afterInvalidGrant(ctx: Context, sentRefreshToken: string): ActiveCredentials {
  const now = readCredentials(ctx)
  if (now.kind === 'api-key') return active(now)
  if (now.kind === 'workos' && now.refreshToken !== sentRefreshToken && now.accessToken) return active({ ...now, accessToken: now.accessToken })
  throw endSession(ctx)
}

function endSession(ctx: Context): SessionExpiredError {
  try {
    ctx.store.writeAuth({
      accessToken: undefined, refreshToken: undefined, expiresAt: undefined, tokenType: undefined, signingKey: undefined,
      sessionExpiredAt: ctx.clock.now(),
    })
  } catch (error) {
    ctx.log.debug(`could not mark the session expired: ${(error as Error).message}`)
  }
  return new SessionExpiredError()
}

function saveTokens(ctx: Context, tokens: RefreshedTokens): void {
  const clock = serverClockFor(ctx)
  const expiresAt = accessTokenExpiresAt(tokens.accessToken) ?? (tokens.expiresInSec === undefined ? undefined : clock.now() + tokens.expiresInSec * 1000)
  try {
    ctx.store.writeAuth({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt, tokenType: tokens.tokenType })
  } catch (error) {
    throw new PensarError(`The session was renewed but could not be saved to ${ctx.store.paths.auth} (${(error as Error).message}).`, {
      code: 'store_failed', hint: 'Free disk space or make PENSAR_HOME writable, then run `pensar login`.', cause: error,
    })
  }
  rememberSkew(ctx, clock.skewMs())
}

/** Later processes start from the skew learned here (config.json `clockSkewMs`). */
function rememberSkew(ctx: Context, skewMs: number): void {
  const stored = ctx.store.readConfig()?.clockSkewMs
  const previous = typeof stored === 'number' ? stored : 0
  if (Math.abs(skewMs - previous) < 2_000) return
  try {
    ctx.store.writeConfig({ clockSkewMs: skewMs === 0 ? undefined : skewMs })
  } catch (error) {
    ctx.log.debug(`could not store the clock skew: ${(error as Error).message}`)
  }
}

function refreshFailed(ctx: Context, error: unknown): PensarError {
  if (error instanceof PensarError && !(error instanceof HttpError)) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new PensarError(`Could not renew the Pensar Console session: ${reason}`, {
    code: 'refresh_failed',
    hint: `Your login is kept (${ctx.store.paths.auth}); try again when Pensar Console is reachable.`,
    cause: error,
  })
}

export function tokenExpiresAt(creds: Pick<WorkosCredentials, 'accessToken' | 'expiresAt'>): number | undefined {
  return (creds.accessToken ? accessTokenExpiresAt(creds.accessToken) : null) ?? creds.expiresAt
}

function expiresSoon(ctx: Context, creds: WorkosCredentials): boolean {
  const exp = tokenExpiresAt(creds)
  return exp !== undefined && exp - REFRESH_MARGIN_MS <= serverClockFor(ctx).now()
}

function isExpired(ctx: Context, creds: WorkosCredentials): boolean {
  const exp = tokenExpiresAt(creds)
  return exp !== undefined && exp <= serverClockFor(ctx).now()
}

function active(creds: Exclude<Credentials, { kind: 'none' }>): ActiveCredentials {
  if (creds.kind === 'api-key') return { kind: 'api-key', token: creds.apiKey, source: creds.source, signingKey: creds.signingKey }
  return { kind: 'workos', token: creds.accessToken!, source: 'file', signingKey: creds.signingKey }
}
