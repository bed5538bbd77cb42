// Step 8: `pensar login` when this computer is already connected. On a terminal: show the
// connection and offer keep / switch workspace / log in again / disconnect (D). Without a
// terminal, login simply runs again (the caller never asks).
import { apiUrlFor, type Context } from '../context'
import { AuthError, CancelledError } from '../lib/errors'
import type { AuthFile, ConfigFile } from '../lib/store'
import { formatMoney } from '../ui/ui'
import { warnAboutBilling } from './billing'
import type { LoginOptions } from './login-options'
import { logout } from './logout'
import { getValidAccessToken, SessionExpiredError } from './refresh'
import { announceLogin, announceWorkspace } from './announce'
import { chooseWorkspace, confirmWorkspace, listWorkspaces } from './select-workspace'

export interface StoredSession {
  config: ConfigFile & { workspace: NonNullable<ConfigFile['workspace']> }
  auth: AuthFile
}

export type ExistingSessionChoice = 'keep' | 'switch' | 'relogin' | 'disconnect'

export function readStoredSession(ctx: Context): StoredSession | undefined {
  const config = ctx.store.readConfig()
  const auth = ctx.store.readAuth()
  if (!config?.workspace || !auth || !(auth.accessToken || auth.apiKey)) return undefined
  return { config: config as StoredSession['config'], auth }
}

export async function askAboutExistingSession(ctx: Context, session: StoredSession): Promise<ExistingSessionChoice> {
  const { config } = session
  const balance = await currentBalance(ctx, session)
  ctx.ui.note('Already connected to Pensar Console', [
    `User:      ${config.user?.email ?? 'unknown'}${session.auth.authType === 'api-key' ? ' (API key)' : ''}`,
    `Workspace: ${config.workspace.name} (${config.workspace.slug})`,
    `Balance:   ${balance === undefined ? 'unavailable' : formatMoney(balance)}`,
    `Console:   ${apiUrlFor(ctx)}`,
  ])
  return ctx.ui.pressKey<ExistingSessionChoice>({
    message: 'What would you like to do?',
    choices: [
      { key: 'enter', value: 'keep', label: 'keep it' },
      { key: 'w', value: 'switch', label: 'switch workspace' },
      { key: 'l', value: 'relogin', label: 'log in again' },
      { key: 'd', value: 'disconnect', label: 'disconnect' },
      { key: 'escape', value: 'keep', label: 'cancel' },
    ],
  })
}

/** Picks another workspace with the stored session (refreshed if needed). False when that is impossible (then log in again). */
export async function switchWorkspace(ctx: Context, session: StoredSession, opts: LoginOptions): Promise<boolean> {
  if (session.auth.authType === 'api-key' || !session.auth.accessToken) {
    ctx.ui.info('An API key belongs to one workspace; log in again to choose another.')
    return false
  }
  const token = await validAccessToken(ctx)
  if (!token) {
    ctx.ui.info('Your session has expired; logging in again.')
    return false
  }
  const apiUrl = apiUrlFor(ctx)
  const chosen = await chooseWorkspace(ctx, apiUrl, token, { requested: opts.workspace, lastWorkspaceId: session.config.workspace.id, openBrowser: opts.openBrowser, consoleUrl: session.config.consoleUrl })
  const selected = await confirmWorkspace(ctx, apiUrl, token, chosen.id)
  announceWorkspace(ctx, selected)
  await warnAboutBilling(ctx, selected, session.config.consoleUrl)
  // Patch only what changed: the tokens on disk may have been rotated by the refresh above.
  if (selected.signingKey) ctx.store.writeAuth({ signingKey: selected.signingKey })
  ctx.store.writeConfig({ workspace: selected.workspace, lastWorkspaceId: selected.workspace.id, gatewayUrl: selected.gatewayUrl ?? session.config.gatewayUrl })
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
async function validAccessToken(ctx: Context): Promise<string | undefined> {
  try {
    return await getValidAccessToken(ctx)
  } catch (error) {
    if (error instanceof SessionExpiredError || error instanceof AuthError) return undefined
    throw error
  }
}

async function currentBalance(ctx: Context, session: StoredSession): Promise<number | undefined> {
  try {
    const token = session.auth.authType === 'api-key' ? session.auth.apiKey : await validAccessToken(ctx)
    if (!token) return undefined
    const { workspaces } = await listWorkspaces(ctx, apiUrlFor(ctx), token)
    return workspaces.find((w) => w.id === session.config.workspace.id)?.balance
  } catch (error) {
    if (error instanceof CancelledError) throw error
    ctx.log.debug(`could not read the balance: ${(error as Error).message}`)
    return undefined
  }
}
