// The Console's usage summary (`GET /api/cli/usage`, docs/console-api.md §5) read into the
// `pensar usage --json` object: documented in docs/cli-reference.md; add fields, never rename.
import { asObject, optNum, optStr, parseWorkspaceRef } from '../../lib/console-api'
import type { WorkspaceRef } from '../../lib/store'

export interface Spend {
  requests: number
  /** US dollars. */
  cost: number
}

export interface UsageReport {
  workspace: WorkspaceRef
  /** The period as asked (`30d`, `2026-05-01`) and the moments it covers (ISO 8601, the Console's clock). */
  since: string
  from: string
  until: string
  total: Spend
  byUser: (Spend & { user: { id: string | null; email: string | null } })[]
  /** `apiKey` null: requests made with a signed-in CLI session. */
  byApiKey: (Spend & { apiKey: { id: string; name: string | null; prefix: string | null } | null })[]
  inferenceEnabled: boolean | null
  usageUrl: string | null
}

const WHAT = 'the usage summary'

export function parseUsageReport(value: unknown): UsageReport {
  const o = asObject(value, WHAT)
  const spend = (row: Record<string, unknown>): Spend => ({ requests: optNum(row, 'requests') ?? 0, cost: optNum(row, 'cost') ?? 0 })
  const rows = (key: string) => (Array.isArray(o[key]) ? (o[key] as unknown[]) : []).map((r) => asObject(r, WHAT))
  return {
    workspace: parseWorkspaceRef(o.workspace, WHAT),
    since: optStr(o, 'since') ?? '',
    from: optStr(o, 'from') ?? '',
    until: optStr(o, 'until') ?? '',
    total: spend(asObject(o.total ?? {}, WHAT)),
    byUser: rows('byUser').map((r) => {
      const user = asObject(r.user ?? {}, WHAT)
      return { user: { id: optStr(user, 'id') ?? null, email: optStr(user, 'email') ?? null }, ...spend(r) }
    }),
    byApiKey: rows('byApiKey').map((r) => {
      const key = r.apiKey && typeof r.apiKey === 'object' ? (r.apiKey as Record<string, unknown>) : undefined
      const id = key && optStr(key, 'id')
      return { apiKey: id ? { id, name: optStr(key, 'name') ?? null, prefix: optStr(key, 'prefix') ?? null } : null, ...spend(r) }
    }),
    inferenceEnabled: typeof o.inferenceEnabled === 'boolean' ? o.inferenceEnabled : null,
    usageUrl: optStr(o, 'usageUrl') ?? null,
  }
}
