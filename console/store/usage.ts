// What inference cost, per request: the rows the gateway writes when it charges, the summary the
// Usage page and `GET /api/cli/usage` both show (one query, so the two always agree), and the
// workspace's usage categories ("Apex Inference" can be switched off on the Usage page).
import type { Database } from 'bun:sqlite'
import { newId } from '../lib/ids.ts'

export const APEX_INFERENCE = 'apex-inference'

export interface UsageRecord {
  workspaceId: string
  userId: string
  apiKeyId: string | null
  model: string
  costCents: number
  at: number
}

export function recordUsage(db: Database, record: UsageRecord): void {
  db.query('INSERT INTO usage (id, workspace_id, user_id, api_key_id, model, cost_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    newId('use_'), record.workspaceId, record.userId, record.apiKeyId, record.model, record.costCents, record.at)
}

export interface SpendRow {
  requests: number
  cents: number
}

export interface UserSpend extends SpendRow {
  userId: string | null
  email: string | null
}

/** `apiKeyId` null: requests made with a signed-in CLI session rather than an API key. */
export interface KeySpend extends SpendRow {
  apiKeyId: string | null
  name: string | null
  prefix: string | null
}

export interface UsageSummary {
  total: SpendRow
  byUser: UserSpend[]
  byApiKey: KeySpend[]
}

/** Spend in the workspace from `sinceMs` (inclusive) on, biggest first. */
export function usageSummary(db: Database, workspaceId: string, sinceMs: number): UsageSummary {
  const total = db.query<SpendRow, [string, number]>(
    'SELECT COUNT(*) AS requests, COALESCE(SUM(cost_cents), 0) AS cents FROM usage WHERE workspace_id = ? AND created_at >= ?').get(workspaceId, sinceMs)!
  const byUser = db.query<UserSpend, [string, number]>(
    `SELECT usage.user_id AS userId, users.email AS email, COUNT(*) AS requests, SUM(cost_cents) AS cents FROM usage
     LEFT JOIN users ON users.id = usage.user_id WHERE workspace_id = ? AND usage.created_at >= ?
     GROUP BY usage.user_id ORDER BY cents DESC, email`).all(workspaceId, sinceMs)
  const byApiKey = db.query<KeySpend, [string, number]>(
    `SELECT usage.api_key_id AS apiKeyId, api_keys.name AS name, api_keys.prefix AS prefix, COUNT(*) AS requests, SUM(cost_cents) AS cents
     FROM usage LEFT JOIN api_keys ON api_keys.id = usage.api_key_id WHERE usage.workspace_id = ? AND usage.created_at >= ?
     GROUP BY usage.api_key_id ORDER BY cents DESC, name`).all(workspaceId, sinceMs)
  return { total, byUser, byApiKey }
}

/** A category is on until someone switches it off. */
export function isCategoryEnabled(db: Database, workspaceId: string, category = APEX_INFERENCE): boolean {
  const row = db.query<{ enabled: number }, [string, string]>('SELECT enabled FROM usage_categories WHERE workspace_id = ? AND category = ?').get(workspaceId, category)
  return row ? row.enabled === 1 : true
}

export function setCategoryEnabled(db: Database, workspaceId: string, enabled: boolean, category = APEX_INFERENCE): void {
  db.query('INSERT INTO usage_categories (workspace_id, category, enabled) VALUES (?, ?, ?) ON CONFLICT(workspace_id, category) DO UPDATE SET enabled = excluded.enabled')
    .run(workspaceId, category, enabled ? 1 : 0)
}
