// Step 8: `pensar login` when this computer is already connected. On a terminal: show the
// connection and offer keep / switch workspace / log in again / disconnect (D). Without a
// terminal, login simply runs again (the caller never asks).
import { apiUrlFor, type Context } from '../context'
import type { WorkspaceSummary } from '../lib/console-api'
import { HttpError } from '../lib/http'
import type { AuthFile, ConfigFile } from '../lib/store'
import { formatMoney } from '../ui/ui'
import { warnAboutBilling } from './billing'
import type { LoginOptions } from './login-options'
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

/** Picks another workspace with the stored token. False when that is impossible (then log in again). */
export async function switchWorkspace(ctx: Context, session: StoredSession, opts: LoginOptions): Promise<boolean> {
  const token = session.auth.accessToken
  if (session.auth.authType === 'api-key' || !token) {
    ctx.ui.info('An API key belongs to one workspace; log in again to choose another.')
    return false
  }
  const apiUrl = apiUrlFor(ctx)
  let chosen: WorkspaceSummary
  try {
    chosen = await chooseWorkspace(ctx, apiUrl, token, { requested: opts.workspace, lastWorkspaceId: session.config.workspace.id, openBrowser: opts.openBrowser, consoleUrl: session.config.consoleUrl })
  } catch (error) {
    // TODO(session): refresh the token under the refresh lock (src/flows/refresh.ts) instead of logging in again.
    if (error instanceof HttpError && error.status === 401) {
      ctx.ui.info('Your session has expired; logging in again.')
      return false
    }
    throw error
  }
  const selected = await confirmWorkspace(ctx, apiUrl, token, chosen.id)
  announceWorkspace(ctx, selected)
  await warnAboutBilling(ctx, selected, session.config.consoleUrl)
  ctx.store.saveSession({
    config: { workspace: selected.workspace, lastWorkspaceId: selected.workspace.id, gatewayUrl: selected.gatewayUrl ?? session.config.gatewayUrl },
    auth: { ...withoutVersion(session.auth), signingKey: selected.signingKey ?? session.auth.signingKey },
  })
  announceLogin(ctx, apiUrl, { kind: 'oauth', user: session.config.user }, selected)
  return true
}

/** "Disconnect (D)". */
export async function disconnect(ctx: Context): Promise<void> {
  // TODO(session): call logout(ctx) from src/flows/logout.ts (revokes on the server) once it exists.
  ctx.store.clearSession()
  ctx.ui.success('Disconnected. Run `pensar login` to connect again.')
  ctx.ui.emit({ event: 'logged_out' })
}

async function currentBalance(ctx: Context, session: StoredSession): Promise<number | undefined> {
  const token = session.auth.accessToken ?? session.auth.apiKey
  if (!token) return undefined
  try {
    const { workspaces } = await listWorkspaces(ctx, apiUrlFor(ctx), token)
    return workspaces.find((w) => w.id === session.config.workspace.id)?.balance
  } catch (error) {
    ctx.log.debug(`could not read the balance: ${(error as Error).message}`)
    return undefined
  }
}

function withoutVersion(auth: AuthFile): Omit<AuthFile, 'version'> {
  const { version: _version, ...rest } = auth
  return rest
}
