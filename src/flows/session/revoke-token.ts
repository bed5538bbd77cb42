// RFC 7009 revocation: ends the session a token belongs to at the Console, this device only.
// Used by logout, and by login for a session it replaces or will not keep.
import type { Context } from '../../context'
import type { RequestOptions } from '../../lib/http'

export interface RevocationTarget {
  endpoint: string
  clientId?: unknown
  refreshToken?: string
  /** Revoked only when there is no refresh token. */
  accessToken?: string
}

/** Throws what the request threw; does nothing when there is no token to revoke. */
export async function revokeToken(ctx: Context, target: RevocationTarget, opts: RequestOptions): Promise<void> {
  const token = target.refreshToken ?? target.accessToken
  if (!token) return
  const form: Record<string, string> = { token, token_type_hint: target.refreshToken ? 'refresh_token' : 'access_token' }
  if (typeof target.clientId === 'string' && target.clientId) form.client_id = target.clientId
  await ctx.http.postForm(target.endpoint, form, opts)
}

/** Best effort: a revocation that fails is only logged. Its own deadline, since ctx.signal may already be aborted (a Ctrl-C brought us here). */
export async function revokeQuietly(ctx: Context, target: RevocationTarget, timeoutMs = 3_000): Promise<void> {
  try {
    await revokeToken(ctx, target, { signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    ctx.log.debug(`could not revoke a session at ${target.endpoint}: ${(error as Error).message}`)
  }
}
