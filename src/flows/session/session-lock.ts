// The refresh lock as every writer of credentials takes it (docs/architecture.md "Session
// lifecycle"), plus the sweep of what a killed pensar left in PENSAR_HOME: temp files, the disk
// reserve. Under the lock no other pensar writes, so what is there now is a leftover. A leftover
// auth.json temp file can hold the only copy of a live session's refresh token (a login killed
// while saving): that session is ended at the Console (RFC 7009) rather than left alive where
// nobody can use or revoke it. A leftover of the stored session itself (a renewal killed while
// saving) is only removed: revoking it would end the session in use.
import type { Context } from '../../context'
import { decodeJwtClaims } from '../../lib/jwt'
import { withRefreshLock } from '../../lib/refresh-lock'
import type { AuthFile } from '../../lib/store'
import { revokeQuietly } from './revoke-token'

export async function withSessionLock<T>(ctx: Context, fn: () => T | Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
  return withRefreshLock(ctx, async () => {
    await sweepLeftovers(ctx)
    return fn()
  }, opts)
}

async function sweepLeftovers(ctx: Context): Promise<void> {
  const leftovers = ctx.store.sweepLeftovers() as Partial<AuthFile>[]
  if (leftovers.length === 0) return
  const current = await storedAuth(ctx)
  for (const leftover of leftovers) {
    if (!isOrphanedSession(leftover, current) || typeof leftover.revocationEndpoint !== 'string') continue
    ctx.log.debug('a temp file left by a killed pensar held a session nobody can use; revoking it')
    // Best effort, after the command (main waits for ctx.background): the file is already gone.
    ctx.background.add(revokeQuietly(ctx, { endpoint: leftover.revocationEndpoint, clientId: leftover.clientId, refreshToken: leftover.refreshToken, accessToken: leftover.accessToken }))
  }
}

async function storedAuth(ctx: Context): Promise<Partial<AuthFile> | undefined> {
  try {
    return await ctx.store.readAuth()
  } catch {
    return undefined
  }
}

/**
 * A session other than the stored one: a different session id (`sid`), or no stored session to
 * compare with. Without an id on both sides it could be the stored session's own renewal, which
 * must not be revoked.
 */
function isOrphanedSession(leftover: Partial<AuthFile>, current: Partial<AuthFile> | undefined): boolean {
  if (typeof leftover.refreshToken !== 'string' || !leftover.refreshToken) return false
  if (!current?.refreshToken) return true
  if (current.refreshToken === leftover.refreshToken) return false
  const sid = (auth: Partial<AuthFile>) => (typeof auth.accessToken === 'string' ? decodeJwtClaims(auth.accessToken)?.sid : undefined)
  const [left, stored] = [sid(leftover), sid(current)]
  return left !== undefined && stored !== undefined && left !== stored
}
