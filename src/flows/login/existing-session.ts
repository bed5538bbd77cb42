// Step 8: `pensar login` when this computer is already connected. The stored session and the
// actions the connected screen (connected-screen.ts, shared with the interactive /login) offers:
// switch workspace and disconnect (D). Without a terminal, login simply runs again.
import type { Context } from '../../context'
import { AuthError } from '../../lib/errors'
import { withSessionLock } from '../session/session-lock'
import type { AuthFile, ConfigFile } from '../../lib/store'
import { warnAboutBilling } from '../workspace/billing'
import type { LoginOptions } from './options'
import { logout } from '../session/logout'
import { getValidCredentials, SessionExpiredError, type ActiveCredentials } from '../session/refresh'
import { announceLogin, announceWorkspace } from './announce'
import { chooseWorkspace, confirmWorkspace } from '../workspace/select-workspace'

export interface StoredSession {
  config: ConfigFile & { workspace: NonNullable<ConfigFile['workspace']> }
  auth: AuthFile
}

export function readStoredSession(ctx: Context): StoredSession | undefined {
  const config = ctx.store.readConfig()
  const auth = ctx.store.readAuth()
  if (!config?.workspace || !auth || !(auth.accessToken || auth.apiKey)) return undefined
  return { config: config as StoredSession['config'], auth }
}

/** Picks another workspace with the stored session (refreshed if needed). False when that is impossible (then log in again). */
export async function switchWorkspace(ctx: Context, session: StoredSession, opts: LoginOptions): Promise<boolean> {
  if (session.auth.authType === 'api-key' || !session.auth.accessToken) {
    ctx.ui.info('An API key belongs to one workspace; log in again to choose another.')
    return false
  }
  const creds = await validCredentials(ctx)
  if (!creds) {
    ctx.ui.info('Your session has expired; logging in again.')
    return false
  }
  // The session's own Console: its token goes nowhere else.
  const { token, origins: { apiUrl } } = creds
  const chosen = await chooseWorkspace(ctx, apiUrl, token, { requested: opts.workspace, lastWorkspaceId: session.config.workspace.id, openBrowser: opts.openBrowser, consoleUrl: session.config.consoleUrl })
  const selected = await confirmWorkspace(ctx, apiUrl, token, chosen.id)
  announceWorkspace(ctx, selected)
  await warnAboutBilling(ctx, selected, session.config.consoleUrl)
  // Patch only what changed, under the lock and in one step: another process may be rotating
  // the tokens, and the workspace must never be stored without its signing key.
  await withSessionLock(ctx, () =>
    ctx.store.patchSession({
      config: { workspace: selected.workspace, lastWorkspaceId: selected.workspace.id, gatewayUrl: selected.gatewayUrl ?? session.config.gatewayUrl },
      auth: selected.signingKey ? { signingKey: selected.signingKey } : {},
    }),
  )
  announceLogin(ctx, apiUrl, { kind: 'oauth', user: session.config.user }, selected)
  return true
}

/** "Disconnect (D)": the same as `pensar logout` (revokes this device's session on the server). */
export async function disconnect(ctx: Context): Promise<void> {
  await logout(ctx, { quiet: true })
  ctx.ui.success('Disconnected. Run `pensar login` to connect again.')
  ctx.ui.emit({ event: 'logged_out' })
}

/** A usable access token (refreshed under the cross-process lock when due), or undefined when the session is over. */
async function validCredentials(ctx: Context): Promise<ActiveCredentials | undefined> {
  try {
    return await getValidCredentials(ctx)
  } catch (error) {
    if (error instanceof SessionExpiredError || error instanceof AuthError) return undefined
    throw error
  }
}
