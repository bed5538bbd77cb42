// `GET /api/cli/usage?since=`: the workspace's inference spend per user and per API key, the same
// summary the Usage page shows (store/usage.ts), for `pensar usage`.
import type { App } from '../app.ts'
import { badRequest, json } from '../lib/http.ts'
import { DEFAULT_SINCE, parseUsagePeriod, type UsagePeriod } from '../lib/usage-period.ts'
import { dollars, workspaceRef, type Workspace } from '../store/workspaces.ts'
import { isCategoryEnabled, usageSummary } from '../store/usage.ts'
import type { RequestContext } from '../router.ts'
import { authenticateCaller } from './auth.ts'
import { workspaceOfRequest } from './gateway.ts'

export async function cliUsage({ app, req, url }: RequestContext): Promise<Response> {
  const caller = await authenticateCaller(app, req)
  const workspace = workspaceOfRequest(app, req, caller)
  const period = parseUsagePeriod(url.searchParams.get('since'), app.now())
  if (!period) throw badRequest(`since must be a number of days (${DEFAULT_SINCE}) or a date (YYYY-MM-DD).`)
  return json(usageReport(app, workspace, period))
}

export function usageReport(app: App, workspace: Workspace, period: UsagePeriod) {
  const summary = usageSummary(app.db, workspace.id, period.sinceMs)
  const spend = (row: { requests: number; cents: number }) => ({ requests: row.requests, cost: dollars(row.cents) })
  return {
    workspace: workspaceRef(workspace),
    since: period.since,
    from: new Date(period.sinceMs).toISOString(),
    until: new Date(period.untilMs).toISOString(),
    total: spend(summary.total),
    byUser: summary.byUser.map((u) => ({ user: { id: u.userId, email: u.email }, ...spend(u) })),
    byApiKey: summary.byApiKey.map((k) => ({ apiKey: k.apiKeyId ? { id: k.apiKeyId, name: k.name, prefix: k.prefix } : null, ...spend(k) })),
    inferenceEnabled: isCategoryEnabled(app.db, workspace.id),
    usageUrl: `${app.url}/${workspace.slug}/settings/usage?since=${encodeURIComponent(period.since)}`,
  }
}
