// `pensar logout` and "disconnect (D)" in the login screen: revoke this
// device's refresh token at the Console (RFC 7009; other devices keep their sessions), then
// forget tokens, API key, signing key and workspace, keeping unrelated settings. Offline, the
// local credentials still go, and we say the server-side revocation did not happen.
import type { Context } from '../../context'
import { envApiKey } from '../../lib/env-api-key'
import { CancelledError, causeOf, PensarError } from '../../lib/errors'
import { StoreError } from '../../lib/file-errors'
import { lstatOf } from '../../lib/home-files'
import { withSessionLock } from './session-lock'
import type { AuthFile, ConfigFile } from '../../lib/store'
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
  // Nothing stored: nothing to change, whatever state the folder is in (read-only, missing, a file).
  if (!(await readStored(ctx)).present) return notLoggedIn(ctx, opts)
  // Under the refresh lock: a refresh running in another process must not write tokens back.
  return withSessionLock(ctx, async () => {
    const { auth, present, unreadable } = await readStored(ctx)
    if (!present) return notLoggedIn(ctx, opts, { swept: true })
    if (unreadable) ctx.ui.warn(`${unreadable.message} Its session could not be ended at Pensar Console; ${ctx.store.credentialsPlace().backend === 'keychain' ? 'pensar forgets it here, and removes its keychain entry if the keychain lets it' : 'the file is removed from this computer'}.`)
    const revocation = await revokeRefreshToken(ctx, auth)
    await forgetCredentials(ctx)
    report(ctx, revocation, opts)
    return finish(ctx, { wasLoggedIn: true, revocation: revocation.outcome })
  })
}

async function notLoggedIn(ctx: Context, opts: LogoutOptions, { swept = false } = {}): Promise<LogoutResult> {
  // A login killed while saving may have left its session in a temp file: taking the lock sweeps
  // it (session-lock.ts). Only where there is a folder to sweep, and never at the cost of exit 0.
  if (!swept && lstatOf(ctx.env.home)?.isDirectory) await withSessionLock(ctx, () => {}).catch((error) => ctx.log.debug(`no sweep: ${(error as Error).message}`))
  if (!opts.quiet) ctx.ui.info('Not logged in; nothing to do.')
  return finish(ctx, { wasLoggedIn: false, revocation: 'nothing' })
}

/**
 * What is stored, read leniently: a damaged or unreadable auth.json must not stop a logout (what is
 * readable is used, the file goes). `present`: there is something to remove; a PENSAR_HOME that is
 * not a folder holds nothing.
 */
async function readStored(ctx: Context): Promise<{ auth?: AuthFile; present: boolean; unreadable?: PensarError }> {
  const auth = await leniently(() => ctx.store.readAuth())
  const config = await leniently(() => ctx.store.readConfig())
  const unreadable = auth.unreadable ?? config.unreadable
  const configFile = config.value as ConfigFile | undefined
  return { auth: auth.value, unreadable, present: Boolean(unreadable || auth.value || configFile?.authType || configFile?.workspace) }
}

async function leniently<T>(read: () => T | Promise<T>): Promise<{ value?: T; unreadable?: PensarError }> {
  try {
    return { value: await read() }
  } catch (error) {
    if (error instanceof CancelledError) throw error
    if (error instanceof StoreError && error.fsCode === 'ENOTDIR') return {}
    return { unreadable: error instanceof PensarError ? error : new PensarError(String(error)) }
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

async function forgetCredentials(ctx: Context): Promise<void> {
  try {
    await ctx.store.clearSession()
  } catch (error) {
    const message = error instanceof StoreError ? `Could not remove the credentials in ${ctx.env.home}. ${error.message}` : `Could not remove the credentials in ${ctx.env.home} (${causeOf(error)}).`
    throw new PensarError(message, {
      code: 'store_failed',
      hint: error instanceof StoreError ? `${error.hint} Then run \`pensar logout\` again.` : `Make ${ctx.env.home} writable and run \`pensar logout\` again, or delete ${ctx.store.paths.auth} yourself.`,
      cause: error,
    })
  }
}

function report(ctx: Context, revocation: { outcome: Revocation; reason?: string }, opts: LogoutOptions): void {
  // One message per outcome: a failed revocation is the warning alone, never "Logged out." and then "Logged out locally."
  if (revocation.outcome === 'failed') {
    ctx.ui.warn(`Logged out on this computer only: the session stays valid at Pensar Console until it expires. Revoking it failed: ${revocation.reason}.`)
  } else if (!opts.quiet) {
    const how: Record<Exclude<Revocation, 'failed'>, string> = {
      revoked: "This computer's session was revoked at Pensar Console and its credentials removed.",
      unsupported: 'Credentials removed (this Console has no revocation endpoint, so the session ends when it expires).',
      'api-key': 'API key removed from this computer. The key itself stays valid: revoke it in Pensar Console (Settings > API keys) if it should stop working.',
      nothing: 'Credentials removed.',
    }
    ctx.ui.success(`Logged out. ${how[revocation.outcome]}`)
  }
  if (envApiKey(ctx.env.vars)) ctx.ui.warn('PENSAR_API_KEY is still set in your environment; pensar keeps using it until you unset it.')
}

function finish(ctx: Context, result: LogoutResult): LogoutResult {
  ctx.ui.emit({ event: 'logged_out', wasLoggedIn: result.wasLoggedIn, revocation: result.revocation })
  return result
}
