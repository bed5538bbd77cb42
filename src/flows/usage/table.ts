// `pensar usage` for people: one table, users then API keys then the total, its first column cut
// to fit the terminal (a pipe gets every label whole; scripts should use --json). Every label is
// text the Console chose (emails, key names), made safe for a terminal.
import { safeText } from '../../lib/safe-text'
import { wrapWords } from '../../ui/fit'
import { formatCost } from '../../ui/ui'
import type { Spend, UsageReport } from './report'

const REQUESTS = 'Requests'
const SPEND = 'Spend'

export function usageTable(report: UsageReport, width: number | undefined): string[] {
  const users = report.byUser.map((u) => row(u.user.email ?? u.user.id ?? 'unknown user', u))
  const keys = report.byApiKey.map((k) => row(k.apiKey ? `${k.apiKey.name ?? 'unnamed key'} (${k.apiKey.prefix ?? ''}…)` : 'Signed-in CLI sessions', k))
  const total = row('Total', report.total)
  const all = [...users, ...keys, total]
  const requestsWidth = Math.max(REQUESTS.length, ...all.map((r) => r.requests.length))
  const spendWidth = Math.max(SPEND.length, ...all.map((r) => r.spend.length))
  const numbers = 2 + requestsWidth + 2 + spendWidth
  const labelWidth = Math.max(12, ...all.map((r) => r.label.length), 'Signed-in CLI sessions'.length)
  const fitted = width === undefined ? labelWidth : Math.max(8, Math.min(labelWidth, width - numbers - 1))
  const line = (label: string, requests: string, spend: string) =>
    `${fit(label, fitted).padEnd(fitted)}  ${requests.padStart(requestsWidth)}  ${spend.padStart(spendWidth)}`
  const section = (title: string, rows: Row[]) => [line(title, REQUESTS, SPEND), ...(rows.length ? rows.map((r) => line(r.label, r.requests, r.spend)) : ['  (none)'])]
  const days = /^(\d+)d$/.exec(report.since)?.[1]
  const period = days ? (days === '1' ? 'in the last day' : `in the last ${days} days`) : `since ${report.since}`
  const title = safeText(`${report.workspace.name} (${report.workspace.slug}): spend ${period}`)
  return [
    // The title wraps at words on a terminal, as every line does there (docs/message-style.md, "Fit").
    ...(width === undefined ? [title] : wrapWords(title, width)),
    '',
    ...section('User', users),
    '',
    ...section('API key', keys),
    '',
    line(total.label, total.requests, total.spend),
  ]
}

interface Row {
  label: string
  requests: string
  spend: string
}

function row(label: string, spend: Spend): Row {
  return { label: safeText(label), requests: String(spend.requests), spend: formatCost(spend.cost) }
}

/** Cut to `width` characters, with an ellipsis where it was cut. */
function fit(text: string, width: number): string {
  const chars = [...text]
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`
}
