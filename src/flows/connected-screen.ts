// The "/login screen" of a connected computer (the product page: "press [D] on the /login screen
// to disconnect", "press the key shown in Apex to open the billing page"): who is connected, to
// which workspace, its balance and billing state, and one key per action, each shown on screen.
// Switching and disconnecting are the login flow's own steps, not copies of them.
import { apiUrlFor, type Context } from '../context'
import type { WorkspaceSummary } from '../lib/console-api'
import { unsafeUrlReason } from '../lib/safe-url'
import { formatMoney } from '../ui/ui'
import { LOW_BALANCE_DOLLARS } from './billing'
import { disconnect, readStoredSession, switchWorkspace, type StoredSession } from './existing-session'
import { getValidAccessToken, SessionExpiredError } from './refresh'
import { listWorkspaces } from './select-workspace'

export type ConnectedScreenResult = 'back' | 'switched' | 'disconnected'

type Key = 'switch' | 'billing' | 'disconnect' | 'back'

/** Shows the connection and acts on S / B / D until one of them ends the screen or Esc leaves it. */
export async function connectedScreen(ctx: Context, stored: StoredSession): Promise<ConnectedScreenResult> {
  const { session, token } = await renewed(ctx, stored)
  const workspace = await currentWorkspace(ctx, session, token)
  const billingUrl = billingPageOf(ctx, session)
  ctx.ui.note('Connected to Pensar Console', connectionLines(ctx, session, workspace, billingUrl))
  for (;;) {
    const key = await ctx.ui.pressKey<Key>({ message: 'What next?', choices: keyChoices(billingUrl) })
    if (key === 'back') return 'back'
    if (key === 'disconnect') return (await disconnect(ctx), 'disconnected')
    if (key === 'billing' && billingUrl) await openBillingPage(ctx, billingUrl)
    if (key === 'switch') {
      if (await switchWorkspace(ctx, session, { openBrowser: true })) return 'switched'
      ctx.ui.info('Press D to disconnect, then run /login to connect to another workspace.')
    }
  }
}

function keyChoices(billingUrl: string | undefined) {
  return [
    { key: 's', value: 'switch' as const, label: 'switch workspace' },
    ...(billingUrl ? [{ key: 'b', value: 'billing' as const, label: 'open billing page' }] : []),
    { key: 'd', value: 'disconnect' as const, label: 'disconnect' },
    { key: 'escape', value: 'back' as const, label: 'back' },
  ]
}

function connectionLines(ctx: Context, session: StoredSession, workspace: WorkspaceSummary | undefined, billingUrl: string | undefined): string[] {
  const { config, auth } = session
  return [
    `User:      ${config.user?.email ?? 'unknown'}${auth.authType === 'api-key' ? ' (API key)' : ''}`,
    `Workspace: ${config.workspace.name} (${config.workspace.slug})`,
    `Balance:   ${workspace ? formatMoney(workspace.balance) : 'unavailable (could not reach Pensar Console)'}`,
    `Billing:   ${billingState(workspace, billingUrl)}`,
    `Console:   ${apiUrlFor(ctx)}`,
  ]
}

/** Billing warnings name the key that opens the billing page. */
function billingState(workspace: WorkspaceSummary | undefined, billingUrl: string | undefined): string {
  if (!workspace) return 'unknown'
  const press = billingUrl ? ' — press B to open the billing page' : ' — see Settings > Billing in Pensar Console'
  if (!workspace.hasPaymentMethod || workspace.balance <= 0) return `not set up${press}`
  if (workspace.balance < LOW_BALANCE_DOLLARS) return `low balance${press}`
  return 'ready'
}

/** A due access token is refreshed first (an expired session throws), so S and the balance work. */
async function renewed(ctx: Context, stored: StoredSession): Promise<{ session: StoredSession; token?: string }> {
  try {
    const token = await getValidAccessToken(ctx)
    return { session: readStoredSession(ctx) ?? stored, token }
  } catch (error) {
    if (error instanceof SessionExpiredError) throw error
    ctx.log.debug(`could not renew the session: ${(error as Error).message}`)
    return { session: stored }
  }
}

async function currentWorkspace(ctx: Context, session: StoredSession, token: string | undefined): Promise<WorkspaceSummary | undefined> {
  if (!token) return undefined
  try {
    const { workspaces } = await listWorkspaces(ctx, apiUrlFor(ctx), token)
    return workspaces.find((w) => w.id === session.config.workspace.id)
  } catch (error) {
    ctx.log.debug(`could not read the workspace's balance: ${(error as Error).message}`)
    return undefined
  }
}

function billingPageOf(ctx: Context, session: StoredSession): string | undefined {
  const consoleUrl = (session.config.consoleUrl ?? apiUrlFor(ctx)).replace(/\/+$/, '')
  const url = `${consoleUrl}/${encodeURIComponent(session.config.workspace.slug)}/settings/billing`
  return unsafeUrlReason(url) ? undefined : url
}

async function openBillingPage(ctx: Context, url: string) {
  const result = await ctx.browser.open(url)
  if (result.opened) ctx.ui.success(`Opened the billing page in your browser: ${url}`)
  else ctx.ui.warn(`Could not open a browser (${result.reason}). The billing page is at ${url}`)
}

