// What a refresh writes: the rotated tokens (atomically, through the store), the learned clock
// skew, and the end of a session. Disk space for the new tokens is reserved before the grant,
// because the Console spends the old refresh token the moment it answers.
import type { Context } from '../../context'
import { causeOf, PensarError } from '../../lib/errors'
import { StoreError } from '../../lib/file-errors'
import { KeychainError } from '../../lib/keychain-errors'
import { accessTokenExpiresAt } from '../../lib/jwt'
import { serverClockFor } from '../../lib/server-clock'
import type { Reservation } from '../../lib/store'
import type { RefreshedTokens } from './refresh-grant'
import { SessionExpiredError, storedIn } from './credentials'

/** Room for the new auth.json, taken before the grant and released just before writing it. */
export function reserveRoomForTokens(ctx: Context): Reservation {
  try {
    return ctx.store.reserveRoomForAuth()
  } catch (error) {
    if (!(error instanceof StoreError)) throw error
    throw new PensarError(`${error.message} So the session cannot be renewed safely.`, { code: 'store_failed', hint: `${error.hint} Your login is kept.`, cause: error })
  }
}

/** Returns the new access token's expiry, as stored. */
export async function saveTokens(ctx: Context, tokens: RefreshedTokens): Promise<number | undefined> {
  const clock = serverClockFor(ctx)
  const expiresAt = accessTokenExpiresAt(tokens.accessToken) ?? (tokens.expiresInSec === undefined ? undefined : clock.now() + tokens.expiresInSec * 1000)
  try {
    await ctx.store.writeAuth({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt, tokenType: tokens.tokenType })
  } catch (error) {
    const message = error instanceof PensarError ? `The session was renewed but could not be saved. ${error.message}` : `The session was renewed but could not be saved to ${storedIn(ctx)} (${causeOf(error)}).`
    throw new PensarError(message, {
      code: 'store_failed', hint: error instanceof KeychainError ? `${error.hint} Then run \`pensar login\`.` : 'Free disk space or make PENSAR_HOME writable, then run `pensar login`.', cause: error,
    })
  }
  rememberSkew(ctx, clock.skewMs())
  return expiresAt
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

/** Forgets the tokens and signing key; user and workspace stay so `status` can say what expired. */
export async function endSession(ctx: Context): Promise<SessionExpiredError> {
  try {
    await ctx.store.writeAuth({
      accessToken: undefined, refreshToken: undefined, expiresAt: undefined, tokenType: undefined, signingKey: undefined,
      sessionExpiredAt: ctx.clock.now(),
    })
  } catch (error) {
    ctx.log.debug(`could not mark the session expired: ${(error as Error).message}`)
  }
  return new SessionExpiredError()
}
