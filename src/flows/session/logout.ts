// `pensar logout` and "disconnect (D)" in the login screen: revoke this
// device's refresh token at the Console (RFC 7009; other devices keep their sessions), then
// forget tokens, API key, signing key and workspace, keeping unrelated settings. Offline, the
// local credentials still go, and we say the server-side revocation did not happen.
import type { Context } from '../../context'
import { causeOf, PensarError } from '../../lib/errors'
import { withRefreshLock } from '../../lib/refresh-lock'
import type { AuthFile } from '../../lib/store'
import { revokeToken } from './revoke-token'

const REVOKE_TIMEOUT_MS = 5_000

export interface LogoutOptions {
  /** Only warnings (the login screen says "Disconnected" itself). */
  quiet?: boolean
}

export type Revocation = 'revoked' | 'failed' | 'unsupported' | 'api-key' | 'nothing'

export interface LogoutResult {
  wasLoggedIn: boolean
  revocation: Revocation
}

export async function logout(ctx: Context, opts: LogoutOptions = {}): Promise<LogoutResult> {
  // Under the refresh lock: a refresh running in another process must not write tokens back.
  return withRefreshLock(ctx, async () => {
    const auth = readAuthLeniently(ctx)
    const config = ctx.store.readConfig()
    if (!auth && !config?.authType && !config?.workspace) {
      if (!opts.quiet) ctx.ui.info('Not logged in; nothing to do.')
      return finish(ctx, { wasLoggedIn: false, revocation: 'nothing' })
    }
    const revocation = await revokeRefreshToken(ctx, auth)
    forgetCredentials(ctx)
    report(ctx, revocation, opts)
    return finish(ctx, { wasLoggedIn: true, revocation: revocation.outcome })
  })
}

/** A damaged auth.json must not stop a logout: whatever is readable is used, the file goes. */
function readAuthLeniently(ctx: Context): AuthFile | undefined {
  try {
    return ctx.store.readAuth()
  } catch (error) {
    ctx.log.debug(`could not read auth.json: ${(error as Error).message}`)
    return undefined
  }
}

async function revokeRefreshToken(ctx: Context, auth: AuthFile | undefined): Promise<{ outcome: Revocation; reason?: string }> {
  const refreshToken = typeof auth?.refreshToken === 'string' ? auth.refreshToken : undefined
  if (!refreshToken) return { outcome: auth?.apiKey ? 'api-key' : 'nothing' }
  if (typeof auth?.revocationEndpoint !== 'string') return { outcome: 'unsupported' }
  try {
    await revokeToken(ctx, { endpoint: auth.revocationEndpoint, clientId: auth.clientId, refreshToken }, { timeoutMs: REVOKE_TIMEOUT_MS })
    return { outcome: 'revoked' }
  } catch (error) {
    return { outcome: 'failed', reason: causeOf(error) }
  }
}

function forgetCredentials(ctx: Context): void {
  try {
    ctx.store.clearSession()
  } catch (error) {
    throw new PensarError(`Could not remove the credentials in ${ctx.env.home} (${causeOf(error)}).`, {
      code: 'store_failed',
      hint: `Make ${ctx.env.home} writable and run \`pensar logout\` again, or delete ${ctx.store.paths.auth} yourself.`,
      cause: error,
    })
  }
}

function report(ctx: Context, revocation: { outcome: Revocation; reason?: string }, opts: LogoutOptions): void {
  // One message per outcome: a failed revocation is the warning alone, never "Logged out." and then "Logged out locally."
  if (revocation.outcome === 'failed') {
    ctx.ui.warn(`Logged out on this computer only: the session was not revoked at Pensar Console (${revocation.reason}). It stays valid there until it expires.`)
  } else if (!opts.quiet) {
    const how: Record<Exclude<Revocation, 'failed'>, string> = {
      revoked: "This computer's session was revoked at Pensar Console and its credentials removed.",
      unsupported: 'Credentials removed (this Console has no revocation endpoint, so the session ends when it expires).',
      'api-key': 'API key removed from this computer. The key itself stays valid: revoke it in Pensar Console (Settings > API keys) if it should stop working.',
      nothing: 'Credentials removed.',
    }
    ctx.ui.success(`Logged out. ${how[revocation.outcome]}`)
  }
  if (ctx.env.vars.PENSAR_API_KEY?.trim()) ctx.ui.warn('PENSAR_API_KEY is still set in your environment; pensar keeps using it until you unset it.')
}

function finish(ctx: Context, result: LogoutResult): LogoutResult {
  ctx.ui.emit({ event: 'logged_out', wasLoggedIn: result.wasLoggedIn, revocation: result.revocation })
  return result
}
