// Workspace API keys (`psk_…`). Only a hash is stored; the key is shown once when created.
import type { Database } from 'bun:sqlite'
import { newId, randomToken, sha256Hex } from '../lib/ids.ts'

export interface ApiKey {
  id: string
  workspaceId: string
  userId: string
  name: string
  prefix: string
  createdAt: number
  revokedAt: number | null
}

interface Row {
  id: string
  workspace_id: string
  user_id: string
  name: string
  prefix: string
  created_at: number
  revoked_at: number | null
}

const fromRow = (r: Row): ApiKey => ({
  id: r.id,
  workspaceId: r.workspace_id,
  userId: r.user_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
})

const COLUMNS = 'id, workspace_id, user_id, name, prefix, created_at, revoked_at'

export function createApiKey(db: Database, workspaceId: string, userId: string, name: string, now: number): { apiKey: string; record: ApiKey } {
  const apiKey = randomToken('psk_')
  const id = newId('key_')
  db.query('INSERT INTO api_keys (id, workspace_id, user_id, name, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id, workspaceId, userId, name, sha256Hex(apiKey), apiKey.slice(0, 8), now)
  return { apiKey, record: findApiKeyById(db, id)! }
}

export function findApiKeyById(db: Database, id: string): ApiKey | null {
  const row = db.query<Row, [string]>(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`).get(id)
  return row ? fromRow(row) : null
}

/** The live key with that secret, or null for an unknown or revoked key. */
export function findLiveApiKey(db: Database, apiKey: string): ApiKey | null {
  const row = db.query<Row, [string]>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`).get(sha256Hex(apiKey))
  return row ? fromRow(row) : null
}

export function apiKeysOfWorkspace(db: Database, workspaceId: string): ApiKey[] {
  return db.query<Row, [string]>(`SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id`).all(workspaceId).map(fromRow)
}

export function revokeApiKey(db: Database, id: string, now: number) {
  db.query('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id)
}
