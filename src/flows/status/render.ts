// The human form of `pensar status`, on stderr (the `--json` object is the data). Lines are kept
// short for an 80-column terminal; the box wraps anything longer (a path, a URL) inside itself.
import type { Context } from '../../context'
import { serverClockFor } from '../../lib/server-clock'
import { shortened } from '../../lib/safe-text'
import { formatDuration, formatMoney, formatWorkspace } from '../../ui/ui'
import { LOW_BALANCE_DOLLARS } from '../workspace/billing'
import type { StatusOutcome } from './report'

export function renderStatus(ctx: Context, { report, problem, offlineReason }: StatusOutcome): void {
  if (!report.loggedIn) {
    if (report.user || report.workspace) ctx.ui.info(`Last connection: ${describeWho(report)} at ${report.apiUrl}`)
    ctx.ui.error(problem?.message ?? 'Not logged in to Pensar Console.', problem?.hint ?? (problem?.code === 'session_expired' ? undefined : 'Run `pensar login`.'))
    return
  }
  const lines = [
    `Auth:        ${report.authType === 'workos' ? 'WorkOS (browser login)' : 'API key'}${report.source === 'env' ? ' from PENSAR_API_KEY' : ''}`,
    `User:        ${shortened(report.user?.email ?? 'unknown')}`,
    `Workspace:   ${report.workspace ? formatWorkspace(report.workspace) : 'unknown'}`,
    `API:         ${report.apiUrl}`,
    `Credentials: ${report.source === 'env' ? 'PENSAR_API_KEY (environment)' : report.credentialStore ?? 'none'}`,
  ]
  if (report.expiresAt) lines.push(`Token:       ${describeExpiry(ctx, report.expiresAt)}`)
  if (report.online) lines.push(`Online:      ${describeOnline(report.online, offlineReason)}`)
  else lines.push('Online:      not checked (--offline)')
  const billingAdvice = report.online && adviseOnBilling(report.online)
  if (billingAdvice) lines.push(`Billing:     ${billingAdvice}`)
  ctx.ui.note('Connected to Pensar Console', lines)
  if (report.source === 'env' && report.credentialStore) {
    ctx.ui.info(`PENSAR_API_KEY is set: it overrides the login stored in ${report.credentialStore}.`)
  }
}

function describeWho(report: StatusOutcome['report']): string {
  const ws = report.workspace ? formatWorkspace(report.workspace) : 'unknown workspace'
  return report.user ? `${shortened(report.user.email)}, ${ws}` : ws
}

/** The exact time is in `--json`'s `expiresAt`. */
function describeExpiry(ctx: Context, iso: string): string {
  const left = Date.parse(iso) - serverClockFor(ctx).now()
  const when = left > 0 ? `expires in ${formatDuration(left)}` : 'expired'
  return `${when}, renewed automatically`
}

function describeOnline(online: NonNullable<StatusOutcome['report']['online']>, offlineReason?: string): string {
  if (!online.ok) return `could not check: ${offlineReason ?? 'no answer'}`
  const balance = online.balance === null ? 'balance unknown' : `balance ${formatMoney(online.balance)}${isLow(online) ? ' (low)' : ''}`
  const billing = online.billingReady === null ? '' : online.billingReady ? ', billing ready' : ', billing NOT ready'
  return `token accepted, ${balance}${billing}`
}

/** What to do about billing that is not set up or a low balance, on its own line. */
function adviseOnBilling(online: NonNullable<StatusOutcome['report']['online']>): string | undefined {
  if (online.ok && online.billingReady === false) return 'finish setup under Settings > Billing in Pensar Console'
  if (online.ok && online.inferenceEnabled === false) return 'Apex Inference is switched off: turn it on under Settings > Usage'
  if (online.ok && isLow(online)) return 'add credits under Settings > Billing in Pensar Console'
  return undefined
}

function isLow(online: { balance: number | null }): boolean {
  return online.balance !== null && online.balance < LOW_BALANCE_DOLLARS
}
