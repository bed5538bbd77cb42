// Settings > Usage: the workspace's inference spend per user and per API key over a period
// (`?since=7d|30d|YYYY-MM-DD`, the same summary `GET /api/cli/usage` answers), and the usage
// categories, where "Apex Inference" can be switched off (the gateway then refuses requests).
import { parseUsagePeriod, DEFAULT_SINCE, type UsagePeriod } from '../lib/usage-period.ts'
import { dollars } from '../store/workspaces.ts'
import { isCategoryEnabled, setCategoryEnabled, usageSummary, type SpendRow } from '../store/usage.ts'
import type { RequestContext } from '../router.ts'
import { csrfField, errorBox, html, noticeBox, redirect } from './html.ts'
import { render } from './page-kit.ts'
import { member, nav, type Member } from './workspace-pages.ts'

const PERIODS = [['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['365d', 'Last year']] as const
const NOTICES: Record<string, string> = { 'inference-on': 'Apex Inference is on.', 'inference-off': 'Apex Inference is off: the gateway refuses its requests.' }

export async function showUsage(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, false)
  if (m instanceof Response) return m
  const asked = m.pr.url.searchParams.get('since')
  const period = parseUsagePeriod(asked, m.pr.app.now())
  if (!period) return usagePage(m, parseUsagePeriod(DEFAULT_SINCE, m.pr.app.now())!, `Show a number of days (${DEFAULT_SINCE}) or a date (YYYY-MM-DD), not ${JSON.stringify(asked)}.`, 400)
  return usagePage(m, period)
}

export async function toggleApexInference(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, true)
  if (m instanceof Response) return m
  const on = !isCategoryEnabled(m.pr.app.db, m.workspace.id)
  setCategoryEnabled(m.pr.app.db, m.workspace.id, on)
  return redirect(`/${m.workspace.slug}/settings/usage?done=${on ? 'inference-on' : 'inference-off'}`)
}

function usagePage(m: Member, period: UsagePeriod, error?: string, status = 200): Response {
  const { pr, workspace } = m
  const summary = usageSummary(pr.app.db, workspace.id, period.sinceMs)
  const money = (row: SpendRow) => `$${dollars(row.cents).toFixed(2)}`
  const table = (id: string, title: string, column: string, rows: { label: string; row: SpendRow }[]) => html`<h2>${title}</h2>${rows.length
    ? html`<table id="${id}"><tr><th>${column}</th><th>Requests</th><th>Spend</th></tr>
      ${rows.map(({ label, row }) => html`<tr><td>${label}</td><td>${row.requests}</td><td>${money(row)}</td></tr>`)}</table>`
    : html`<p>No usage yet.</p>`}`
  const byUser = summary.byUser.map((u) => ({ label: u.email ?? 'unknown', row: u }))
  const byKey = summary.byApiKey.map((k) => ({ label: k.apiKeyId ? `${k.name ?? 'deleted key'} (${k.prefix ?? ''}…)` : 'Signed-in CLI sessions', row: k }))
  const base = `/${workspace.slug}/settings/usage`
  const periods = PERIODS.map(([since, label]) => (since === period.since ? html`<strong>${label}</strong>` : html`<a href="${base}?since=${since}">${label}</a>`))
  const enabled = isCategoryEnabled(pr.app.db, workspace.id)
  const body = html`${nav(m)}<div class="card"><h1>Usage</h1>${errorBox(error)}${noticeBox(NOTICES[pr.url.searchParams.get('done') ?? ''])}
  <p id="usage-period">Spend in ${period.label} (from ${new Date(period.sinceMs).toISOString().slice(0, 16).replace('T', ' ')} UTC).</p>
  <nav>${periods}</nav>
  <p>Total: <strong id="usage-total">${money(summary.total)}</strong> for <span id="usage-requests">${summary.total.requests}</span> requests</p>
  ${table('usage-by-user', 'Spend per user', 'User', byUser)}${table('usage-by-key', 'Spend per API key', 'API key', byKey)}
  <h2>Usage categories</h2>
  <p>Apex Inference (the Apex CLI's requests to the Pensar gateway): <strong id="apex-inference">${enabled ? 'on' : 'off'}</strong></p>
  <form method="post" action="${base}/apex-inference">${csrfField(pr.browser.csrf)}<button type="submit">Turn Apex Inference ${enabled ? 'off' : 'on'}</button></form>
  </div>`
  return render(pr, `Usage · ${workspace.name}`, body, status)
}
