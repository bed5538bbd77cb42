// The "/login screen" of a connected computer (the product page: "press [D] on the /login screen
// to disconnect", "press the key shown in Apex to open the billing page"): who is connected, to
// which workspace, its balance and billing state, and one key per action, each shown on screen.
// The facts come from the status flow's check (which renews a due token), and switching and
// disconnecting are the login flow's own steps: no second copy of either. Two front ends use it:
// the interactive prompt's /login, and `pensar login` on a connected terminal (`offerRelogin`).
import type { Context } from '../../context'
import { AuthError } from '../../lib/errors'
import { shortened } from '../../lib/safe-text'
import { formatWorkspace, type Line } from '../../ui/ui'
import { openBillingPage } from '../workspace/billing'
import { safeConsolePageUrl } from '../../lib/console-pages'
import { CannotSwitchError, switchWorkspace } from '../workspace/switch-workspace'
import { disconnect, readStoredSession, type StoredSession } from './existing-session'
import type { LoginOptions } from './options'
import { SessionExpiredError } from '../session/credentials'
import { onlineLines, statusTitle, unverifiedAdvice } from '../status/render'
import { checkStatus, type StatusOutcome } from '../status/status'

export type ConnectedScreenResult = 'back' | 'switched' | 'disconnected' | 'relogin'

export interface ConnectedScreenOptions {
  /**
   * For `pensar login`: also offer L, "log in again", and Enter to keep the connection. A switch
   * that cannot happen (API key, session over) then ends in 'relogin', whose caller runs the
   * device login.
   */
  offerRelogin?: boolean
  /** `pensar login`'s flags, for S (`--workspace`, `--no-browser`). */
  login?: LoginOptions
}

type Key = 'switch' | 'billing' | 'disconnect' | 'relogin' | 'back'

/** Shows the connection and acts on S / B / L / D until one of them ends the screen or Esc leaves it. Every key ends with a sentence that says what it did. */
export async function connectedScreen(ctx: Context, stored: StoredSession, opts: ConnectedScreenOptions = {}): Promise<ConnectedScreenResult> {
  const outcome = await checkConnection(ctx)
  const session = (await readStoredSession(ctx)) ?? stored // the check may have renewed the token
  const billingUrl = billingPageOf(session)
  ctx.ui.note(statusTitle(outcome), connectionLines(session, outcome, billingUrl))
  if (outcome.unverified) ctx.ui.warn(unverifiedAdvice(outcome.unverified))
  for (;;) {
    const key = await ctx.ui.pressKey<Key>({ message: 'What next?', choices: keyChoices(billingUrl, opts, outcome) })
    if (key === 'back') return (ctx.ui.info('Kept the connection as it is.'), 'back')
    if (key === 'relogin') return (ctx.ui.info('Logging in again.'), 'relogin')
    if (key === 'disconnect') return (await disconnect(ctx), 'disconnected')
    if (key === 'billing' && billingUrl) await openBillingPage(ctx, billingUrl)
    if (key === 'switch') {
      if (await trySwitch(ctx, opts)) return 'switched'
      if (opts.offerRelogin) return 'relogin'
      ctx.ui.info('Press D to disconnect, then run /login to connect to another workspace.')
    }
  }
}

/** S: the switch, or why it cannot happen (an API key, a session that is over). */
async function trySwitch(ctx: Context, opts: ConnectedScreenOptions): Promise<boolean> {
  try {
    await switchWorkspace(ctx, { requested: opts.login?.workspace, openBrowser: opts.login?.openBrowser ?? true })
    return true
  } catch (error) {
    const then = opts.offerRelogin ? ' Logging in again to choose another workspace.' : ''
    if (error instanceof CannotSwitchError) ctx.ui.info(`${error.message}${then}`)
    else if (error instanceof AuthError) ctx.ui.info(`Your Pensar Console session has expired.${then}`)
    else throw error
    return false
  }
}

/** The status check; a session the Console no longer accepts ends the screen with its reason. */
async function checkConnection(ctx: Context): Promise<StatusOutcome> {
  const outcome = await checkStatus(ctx, { offline: false })
  if (outcome.report.loggedIn) return outcome
  if (outcome.problem?.code === 'session_expired') throw new SessionExpiredError()
  throw new AuthError(outcome.problem?.message ?? 'Not logged in to Pensar Console.', { code: outcome.problem?.code, hint: outcome.problem?.hint })
}

/**
 * Esc has one name per meaning (docs/message-style.md, "Keys"): "back" leaves a screen of the
 * prompt, "cancel" stops a command that was about to do something (`pensar login`). S is not
 * offered for PENSAR_API_KEY: the key, not the stored session, decides the workspace.
 */
function keyChoices(billingUrl: string | undefined, opts: ConnectedScreenOptions, { report }: StatusOutcome) {
  return [
    ...(report.source === 'env' ? [] : [{ key: 's', value: 'switch' as const, label: 'switch workspace' }]),
    ...(billingUrl ? [{ key: 'b', value: 'billing' as const, label: 'open billing page' }] : []),
    ...(opts.offerRelogin ? [{ key: 'l', value: 'relogin' as const, label: 'log in again' }] : []),
    { key: 'd', value: 'disconnect' as const, label: 'disconnect' },
    ...(opts.offerRelogin ? [{ key: 'enter', value: 'back' as const, label: 'keep' }] : []),
    { key: 'escape', value: 'back' as const, label: opts.offerRelogin ? 'cancel' : 'back' },
  ]
}

/** What `status` shows, in the same words, from the same check: the key's view for PENSAR_API_KEY. */
function connectionLines(session: StoredSession, outcome: StatusOutcome, billingUrl: string | undefined): Line[] {
  const { report, unverified } = outcome
  const stored = report.source === 'env' ? undefined : session.config
  const workspace = report.workspace ?? stored?.workspace
  const online = report.online?.ok ? report.online : undefined
  const where = billingUrl ? 'press B to open the billing page' : 'see Settings > Billing in Pensar Console'
  return [
    `User:      ${shortened(report.user?.email ?? stored?.user?.email ?? 'unknown')}${report.authType === 'api-key' ? ' (API key)' : ''}`,
    `Workspace: ${workspace ? formatWorkspace(workspace) : 'unknown'}`,
    ...(online ? onlineLines(online, where, 11) : ['Balance:   unknown', 'Billing:   unknown']),
    ...(unverified ? [{ text: `Online:    not verified: ${unverified.reason}`, tone: 'warn' as const }] : []),
    `Console:   ${report.apiUrl}`,
  ]
}

function billingPageOf(session: StoredSession): string | undefined {
  return safeConsolePageUrl(session.config.consoleUrl ?? session.config.apiUrl, session.config.workspace.slug, 'billing')
}
