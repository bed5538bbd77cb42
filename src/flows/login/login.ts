// `pensar login`: the device-authorization login (RFC 8628; docs/cli-reference.md), top-down.
// First it makes sure a login could be saved here; nothing is written until the very end, so
// Ctrl-C at any step leaves the disk as it was.
import { apiUrlFor, type Context } from '../../context'
import type { SelectedWorkspace } from '../../lib/console-api'
import { AuthError, CancelledError } from '../../lib/errors'
import { serverClockFor } from '../../lib/server-clock'
import { announceLogin } from './announce'
import { announceWorkspace } from '../workspace/announce-workspace'
import { checkLoginCanBeSaved, persistLogin, revokeGrant, revokePreviousSession } from './persist-login'
import { authorizeDevice } from './authorize-device'
import { connectedScreen } from './connected-screen'
import { readStoredSession, type StoredSession } from './existing-session'
import type { LoginOptions } from './options'
import type { LegacyGrant, OAuthGrant } from './poll-token'
import { SessionExpiredError } from '../session/credentials'
import { chooseWorkspace, confirmWorkspace } from '../workspace/select-workspace'
import type { Endpoints } from './discovery'

export type { LoginOptions } from './options'

export interface LoginResult {
  outcome: 'logged_in' | 'kept' | 'switched' | 'disconnected'
}

export async function login(ctx: Context, opts: LoginOptions): Promise<LoginResult> {
  try {
    await checkLoginCanBeSaved(ctx)
    const existing = await readStoredSession(ctx)
    // A session with another Console (`--api-url` elsewhere) is simply replaced.
    const sameConsole = existing && (!ctx.env.apiUrlExplicit || existing.config.apiUrl === undefined || existing.config.apiUrl === ctx.env.apiUrl)
    if (existing && sameConsole && ctx.ui.interactive) {
      const outcome = await manageConnection(ctx, existing, opts)
      if (outcome !== 'relogin') return { outcome }
    }
    const remembered = existing?.config ?? ctx.store.readConfig()
    await loginWithDevice(ctx, opts, remembered?.lastWorkspaceId ?? remembered?.workspace?.id)
    return { outcome: 'logged_in' }
  } catch (error) {
    if (error instanceof CancelledError) throw error.reworded('Login cancelled.')
    throw error
  }
}

/** Step 8, the connected screen (the interactive /login's, plus L and Enter). A session the Console no longer accepts is replaced. */
async function manageConnection(ctx: Context, existing: StoredSession, opts: LoginOptions): Promise<LoginResult['outcome'] | 'relogin'> {
  try {
    const result = await connectedScreen(ctx, existing, { offerRelogin: true, login: opts })
    return result === 'back' ? 'kept' : result
  } catch (error) {
    if (!(error instanceof AuthError)) throw error
    ctx.ui.warn(error instanceof SessionExpiredError ? 'Your Pensar Console session has expired; logging in again.' : `${error.message} Logging in again.`)
    return 'relogin'
  }
}

async function loginWithDevice(ctx: Context, opts: LoginOptions, lastWorkspaceId?: string): Promise<void> {
  const apiUrl = apiUrlFor(ctx)
  // Token expiry is measured by the Console's clock (its Date header), not ours.
  const serverClock = serverClockFor(ctx)
  const { endpoints, grant } = await authorizeDevice(ctx, apiUrl, opts)
  const receivedAt = serverClock.now()
  ctx.ui.emit({ event: 'authorized' })
  try {
    const selected = grant.kind === 'oauth' ? await pickWorkspace(ctx, apiUrl, grant, opts, endpoints, lastWorkspaceId) : await legacySelection(ctx, apiUrl, grant)
    await announceWorkspace(ctx, selected, endpoints.consoleUrl)
    const previous = await persistLogin(ctx, { apiUrl, endpoints, grant, selected, receivedAt })
    announceLogin(ctx, { apiUrl, authType: grant.kind === 'oauth' ? 'workos' : 'api-key', user: grant.user }, selected)
    await revokePreviousSession(ctx, previous)
  } catch (error) {
    // A session we got but will not keep (Ctrl-C, exit 2…) is ended on the server too.
    await revokeGrant(ctx, endpoints, grant)
    throw error
  }
}

async function pickWorkspace(ctx: Context, apiUrl: string, grant: OAuthGrant, opts: LoginOptions, endpoints: Endpoints, lastWorkspaceId?: string) {
  const chosen = await chooseWorkspace(ctx, apiUrl, grant.accessToken, { requested: opts.workspace, lastWorkspaceId, openBrowser: opts.openBrowser, consoleUrl: endpoints.consoleUrl })
  return confirmWorkspace(ctx, apiUrl, grant.accessToken, chosen.id)
}

/** The legacy flow picked the workspace in the browser; ask the API key's validation for billing. */
async function legacySelection(ctx: Context, apiUrl: string, grant: LegacyGrant): Promise<SelectedWorkspace> {
  const fallback: SelectedWorkspace = {
    workspace: grant.workspace,
    billing: { balance: grant.balance ?? 0, hasPaymentMethod: true, ready: (grant.balance ?? 0) > 0 },
    signingKey: grant.signingKey,
    gatewayUrl: grant.gatewayUrl,
  }
  try {
    const body = await ctx.http.get<{ billing?: SelectedWorkspace['billing'] }>(`${apiUrl}/auth/validate`, { token: grant.apiKey })
    return body.billing && typeof body.billing.ready === 'boolean' ? { ...fallback, billing: body.billing } : fallback
  } catch (error) {
    if (error instanceof CancelledError) throw error
    ctx.log.debug(`could not read billing for the API key: ${(error as Error).message}`)
    return fallback
  }
}
