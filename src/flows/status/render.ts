// The human form of `pensar status`: the report on stdout (a box on a terminal, `Label: value`
// lines in a pipe), its notes on stderr; the `--json` object is the data. The heading and every
// line say what was checked: "Connected" only when the Console just accepted the credentials,
// "Logged in" for what is stored (`--offline`), "not verified" when the check could not finish.
import type { Context } from '../../context'
import { NOT_LOGGED_IN_HINT } from '../../lib/errors'
import { serverClockFor } from '../../lib/server-clock'
import { shortened } from '../../lib/safe-text'
import { formatDuration, formatWorkspace, type Line, type Report } from '../../ui/ui'
import { balanceLine, billingLine } from '../workspace/billing'
import type { StatusOutcome, Unverified } from './report'

export function renderStatus(ctx: Context, outcome: StatusOutcome): void {
  const { report, problem } = outcome
  if (!report.loggedIn) {
    if (report.user || report.workspace) ctx.ui.info(`Last connection: ${describeWho(report)} at ${outcome.sessionApiUrl ?? report.apiUrl}`)
    ctx.ui.error(problem?.message ?? 'Not logged in to Pensar Console.', problem?.hint ?? (problem?.code === 'session_expired' ? undefined : NOT_LOGGED_IN_HINT))
    return
  }
  ctx.ui.report(statusReport(ctx, outcome))
  if (report.source === 'env' && report.credentialStore) {
    const where = report.credentialBackend === 'keychain' ? `the ${report.credentialStore}` : report.credentialStore
    ctx.ui.info(`PENSAR_API_KEY is set: it overrides the login stored in ${where}.`)
  }
}

function statusReport(ctx: Context, outcome: StatusOutcome): Report {
  const { report, unverified } = outcome
  const notChecked = report.source === 'env' && !report.online ? 'not checked (--offline)' : 'unknown'
  const lines: Line[] = [
    `Auth:        ${report.authType === 'workos' ? 'WorkOS (browser login)' : 'API key'}${report.source === 'env' ? ' from PENSAR_API_KEY' : ''}`,
    `User:        ${report.user ? shortened(report.user.email) : notChecked}`,
    `Workspace:   ${report.workspace ? formatWorkspace(report.workspace) : notChecked}`,
    `Console:     ${report.apiUrl}`,
    `Credentials: ${report.source === 'env' ? 'PENSAR_API_KEY (environment)' : report.credentialStore ?? 'none'}`,
  ]
  const token = tokenLine(ctx, outcome)
  if (token) lines.push(token)
  if (!report.online) lines.push('Online:      not checked (--offline)')
  else if (unverified) lines.push({ text: `Online:      not verified: ${unverified.reason}`, tone: 'warn' })
  else lines.push(...onlineLines(report.online, 'see Settings > Billing in Pensar Console'))
  return {
    title: statusTitle(outcome),
    lines,
    ...(unverified ? { verdict: { tone: 'warn', text: unverifiedAdvice(unverified) } } : {}),
  }
}

/** What a "not verified" session means and what to do. */
export function unverifiedAdvice(unverified: Unverified): string {
  return `Your login is kept. ${unverified.hint}`
}

/** The heading of `status` and the /login screen: what the check found, in one phrase. */
export function statusTitle({ report, unverified }: StatusOutcome): string {
  if (!report.online) return 'Logged in to Pensar Console'
  return unverified ? 'Logged in, not verified' : 'Connected to Pensar Console'
}

/**
 * `Balance:` and `Billing:`, in the words the /login screen uses too, and `Inference:` when the
 * Apex Inference category is switched off (what makes `pensar ask` exit 5).
 */
export function onlineLines(online: NonNullable<StatusOutcome['report']['online']>, where: string, labelWidth = 13): Line[] {
  const lines = [balanceLine('Balance:'.padEnd(labelWidth), online.balance), billingLine('Billing:'.padEnd(labelWidth), online, where)]
  if (online.inferenceEnabled === false) lines.push({ text: `${'Inference:'.padEnd(labelWidth)}switched off — turn it on under Settings > Usage in Pensar Console`, tone: 'warn' })
  return lines
}

/** The exact time is in `--json`'s `expiresAt`; an API key has none, so no line. */
function tokenLine(ctx: Context, { report, unverified, renewed }: StatusOutcome): Line | undefined {
  if (!report.expiresAt) return undefined
  const left = Date.parse(report.expiresAt) - serverClockFor(ctx).now()
  const when = left > 0 ? `expires in ${formatDuration(left)}` : 'expired'
  if (unverified?.renewalFailed) return { text: `Token:       ${when}; renewing it failed`, tone: 'warn' }
  if (renewed && left > 0) return `Token:       renewed just now, ${when}`
  if (left > 0) return `Token:       ${when}, renewed automatically`
  return `Token:       expired; renewed on the next online check`
}

function describeWho(report: StatusOutcome['report']): string {
  const ws = report.workspace ? formatWorkspace(report.workspace) : 'unknown workspace'
  return report.user ? `${shortened(report.user.email)}, ${ws}` : ws
}
