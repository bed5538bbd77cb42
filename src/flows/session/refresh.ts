// One way to get a valid access token (docs/cli-reference.md, "Automatic refresh"). Refresh when the token's `exp` is
// within 60 s by the server's clock, or when the Console rejected it (a 401). Refreshing happens
// under a cross-process lock, re-reads auth.json once the lock is held (another process may
// have refreshed already), and writes the rotated refresh token to disk before anything uses
// the new access token. Only `invalid_grant` ends a session; network trouble never does.
import type { Context } from '../../context'
import { AuthError, cancelledFrom, causeOf, PensarError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import { withSessionLock } from './session-lock'
import { InvalidGrantError, requestRefreshGrant, type RefreshedTokens } from './refresh-grant'
import { notLoggedIn, readCredentials, storedIn, type Credentials, type Origins, type WorkosCredentials } from './credentials'
import { expiresSoon, isExpired } from './token-expiry'
import { endSession, reserveRoomForTokens, saveTokens } from './save-tokens'

export { SessionExpiredError, SESSION_EXPIRED_MESSAGE } from './credentials'
export { REFRESH_MARGIN_MS, tokenExpiresAt } from './token-expiry'

export interface ActiveCredentials {
  kind: 'api-key' | 'workos'
  /** What goes after `Bearer`. */
  token: string
  source: 'env' | 'file'
  signingKey?: string
  /** Where these credentials may be sent. */
  origins: Origins
  /** The stored expiry of a WorkOS access token (its JWT `exp` comes first, token-expiry.ts). */
  expiresAt?: number
}

export interface WaitOptions {
  /**
   * Stop waiting when this aborts (a deadline), rejecting with its reason. A wait for the lock
   * ends there; a refresh grant already sent is not aborted but left to finish (see
   * refreshSession): `ctx.background.settled()` resolves once it has.
   */
  signal?: AbortSignal
}

export async function getValidAccessToken(ctx: Context): Promise<string> {
  return (await getValidCredentials(ctx)).token
}

export async function getValidCredentials(ctx: Context, opts: WaitOptions = {}): Promise<ActiveCredentials> {
  const creds = await readCredentials(ctx)
  if (creds.kind === 'none') throw notLoggedIn(creds)
  if (creds.kind === 'api-key') return active(creds)
  if (creds.accessToken && !expiresSoon(ctx, creds)) return active(creds)
  return refreshSession(ctx, { staleToken: creds.accessToken, rejected: false }, opts.signal)
}

/** After the Console answered 401 to `rejectedToken`: renew once (API keys cannot be renewed). */
export async function renewAfterRejection(ctx: Context, rejectedToken: string, opts: WaitOptions = {}): Promise<ActiveCredentials> {
  return refreshSession(ctx, { staleToken: rejectedToken, rejected: true }, opts.signal)
}

interface RefreshRequest {
  /** The access token this process found unusable (expiring, or rejected with a 401). */
  staleToken?: string
  rejected: boolean
}

// One refresh at a time per Context: parallel calls in one process share it.
const inFlight = new WeakMap<Context, Promise<ActiveCredentials>>()

/**
 * Ctrl-C, Esc at the prompt, or a caller's `signal` (status's deadline) end the wait for the lock,
 * which is safe: nothing has been sent. They never abort the grant once sent: the Console rotates
 * the refresh token when it answers, so a response we stop reading would leave auth.json with a
 * spent token, and presenting that again counts as reuse and revokes the whole session. Instead the
 * caller stops waiting, and the refresh runs on and saves the rotated tokens: it is background work
 * that main() lets finish before the process exits (lib/background.ts). Only the grant's own
 * timeout, or a second Ctrl-C, can still lose it.
 */
function refreshSession(ctx: Context, opts: RefreshRequest, signal?: AbortSignal): Promise<ActiveCredentials> {
  const waitSignal = signal ? AbortSignal.any([ctx.signal, signal]) : ctx.signal
  let running = inFlight.get(ctx)
  if (!running) {
    running = refreshUnderLock(ctx, opts, waitSignal).finally(() => inFlight.delete(ctx))
    inFlight.set(ctx, running)
    ctx.background.add(running)
  }
  return untilAborted(running, waitSignal)
}

function refreshUnderLock(ctx: Context, opts: RefreshRequest, signal?: AbortSignal): Promise<ActiveCredentials> {
  return withSessionLock(ctx, async () => {
    const creds = await readCredentials(ctx) // again: another process may have refreshed or logged out
    if (creds.kind === 'none') throw notLoggedIn(creds)
    if (creds.kind === 'api-key') return active(creds)
    // Another process renewed it while we waited: use its token, even one already inside the
    // refresh margin (with very short-lived tokens, twenty processes would otherwise each refresh).
    if (creds.accessToken && creds.accessToken !== opts.staleToken && !isExpired(ctx, creds)) {
      ctx.log.debug('another process refreshed the session; using its token')
      return active(creds)
    }
    // The server spends the old refresh token the moment it answers: make sure the new one
    // can be written (a full disk fails here, before the grant, with the session intact).
    const reservation = reserveRoomForTokens(ctx)
    let tokens: RefreshedTokens | ActiveCredentials
    try {
      tokens = await redeemRefreshToken(ctx, creds, opts.rejected)
    } finally {
      reservation.release()
    }
    if ('token' in tokens) return tokens
    // A login or logout may have rewritten auth.json while the lock was broken as stale: never
    // write an old session over it.
    const replaced = await replacedMeanwhile(ctx, creds.refreshToken)
    if (replaced) return replaced
    const expiresAt = await saveTokens(ctx, tokens)
    return { kind: 'workos', token: tokens.accessToken, source: 'file', signingKey: creds.signingKey, origins: creds.origins, expiresAt }
  }, { signal })
}

/** Settles like `work`, or rejects with the signal's reason when it aborts first; `work` goes on. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(cancelledFrom(signal))
    if (signal.aborted) stop()
    else signal.addEventListener('abort', stop, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
  })
}

/** The refresh grant, and what each failure means. Returns credentials when a fallback applies. */
async function redeemRefreshToken(ctx: Context, creds: WorkosCredentials, rejected: boolean): Promise<RefreshedTokens | ActiveCredentials> {
  if (!creds.refreshToken) throw await endSession(ctx)
  if (!creds.tokenEndpoint || !creds.clientId) {
    throw new AuthError(`${storedIn(ctx)} lacks the token endpoint or client id needed to renew the session.`, {
      code: 'invalid_auth_file', hint: 'Run `pensar login` to connect again.',
    })
  }
  try {
    return await requestRefreshGrant(ctx.http, { tokenEndpoint: creds.tokenEndpoint, clientId: creds.clientId, refreshToken: creds.refreshToken })
  } catch (error) {
    if (error instanceof InvalidGrantError) return await afterInvalidGrant(ctx, creds.refreshToken)
    // Network, timeout, 5xx, a garbled answer, any other refusal: the stored session stays.
    if (creds.accessToken && !rejected && !isExpired(ctx, creds)) {
      ctx.log.debug(`refresh failed (${(error as Error).message}); the current access token is still valid`)
      return active(creds)
    }
    throw refreshFailed(ctx, error)
  }
}

/** `invalid_grant`: end the session, unless auth.json changed meanwhile (a new login wrote it). */
async function afterInvalidGrant(ctx: Context, sentRefreshToken: string): Promise<ActiveCredentials> {
  const replaced = await replacedMeanwhile(ctx, sentRefreshToken)
  if (replaced) return replaced
  throw await endSession(ctx)
}

/** The credentials now on disk when they are no longer the session we were renewing. */
async function replacedMeanwhile(ctx: Context, sentRefreshToken: string | undefined): Promise<ActiveCredentials | undefined> {
  const now = await readCredentials(ctx)
  if (now.kind === 'workos' && now.refreshToken === sentRefreshToken) return undefined
  if (now.kind === 'api-key' || (now.kind === 'workos' && now.accessToken)) return active(now)
  if (now.kind === 'none') throw notLoggedIn(now) // logged out meanwhile
  throw new PensarError('The stored session changed while it was being renewed.', { code: 'session_changed', hint: 'Run the command again.' })
}

function refreshFailed(ctx: Context, error: unknown): PensarError {
  if (error instanceof PensarError && !(error instanceof HttpError)) return error
  return new PensarError(`Could not renew the Pensar Console session: ${causeOf(error)}.`, {
    code: 'refresh_failed',
    hint: `Your login is kept (${storedIn(ctx)}); try again when Pensar Console answers.`,
    cause: error,
  })
}

function active(creds: Exclude<Credentials, { kind: 'none' }>): ActiveCredentials {
  if (creds.kind === 'api-key') return { kind: 'api-key', token: creds.apiKey, source: creds.source, signingKey: creds.signingKey, origins: creds.origins }
  return { kind: 'workos', token: creds.accessToken!, source: 'file', signingKey: creds.signingKey, origins: creds.origins, expiresAt: creds.expiresAt }
}
