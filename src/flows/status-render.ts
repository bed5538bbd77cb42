// The human form of `pensar status`, on stderr (the `--json` object is the data).
import type { Context } from '../context'
import { serverClockFor } from '../lib/server-clock'
import { formatDuration, formatMoney } from '../ui/ui'
import type { StatusOutcome } from './status'

export function renderStatus(ctx: Context, { report, problem, offlineReason }: StatusOutcome): void {
  if (!report.loggedIn) {
    if (report.user || report.workspace) ctx.ui.info(`Last connection: ${describeWho(report)} at ${report.apiUrl}`)
    ctx.ui.error(problem?.message ?? 'Not logged in to Pensar Console.', problem?.hint ?? (problem?.code === 'session_expired' ? undefined : 'Run `pensar login`.'))
    return
  }
  const lines = [
    `Auth:        ${report.authType === 'workos' ? 'WorkOS (browser login)' : 'API key'}${report.source === 'env' ? ' from PENSAR_API_KEY' : ''}`,
    `User:        ${report.user?.email ?? 'unknown'}`,
    `Workspace:   ${report.workspace ? `${report.workspace.name} (${report.workspace.slug})` : 'unknown'}`,
    `API:         ${report.apiUrl}`,
    `Credentials: ${report.source === 'env' ? 'PENSAR_API_KEY (environment)' : report.credentialStore ?? 'none'}`,
  ]
  if (report.expiresAt) lines.push(`Token:       ${describeExpiry(ctx, report.expiresAt)}`)
  if (report.online) lines.push(`Online:      ${describeOnline(report.online, offlineReason)}`)
  else lines.push('Online:      not checked (--offline)')
  ctx.ui.note('Connected to Pensar Console', lines)
  if (report.source === 'env' && report.credentialStore) {
    ctx.ui.info(`PENSAR_API_KEY is set: it overrides the login stored in ${report.credentialStore}.`)
  }
}

function describeWho(report: StatusOutcome['report']): string {
  const ws = report.workspace ? `${report.workspace.name} (${report.workspace.slug})` : 'unknown workspace'
  return report.user ? `${report.user.email}, ${ws}` : ws
}

function describeExpiry(ctx: Context, iso: string): string {
  const left = Date.parse(iso) - serverClockFor(ctx).now()
  const when = left > 0 ? `expires in ${formatDuration(left)}` : 'expired'
  return `${when} (${iso}); renewed automatically`
}

function describeOnline(online: NonNullable<StatusOutcome['report']['online']>, offlineReason?: string): string {
  if (!online.ok) return `could not check: ${offlineReason ?? 'no answer'}`
  const low = online.balance !== null && online.balance < 1 ? ' (low: add credits under Settings > Billing)' : ''
  const balance = online.balance === null ? 'balance unknown' : `balance ${formatMoney(online.balance)}${low}`
  const billing = online.billingReady === null ? '' : online.billingReady ? ', billing ready' : ', billing NOT ready (Settings > Billing in Pensar Console)'
  return `token accepted, ${balance}${billing}`
}
