// Opens the Console's SQLite database (WAL) and creates its tables.
import { Database } from 'bun:sqlite'
import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS provider_identities (
  issuer TEXT NOT NULL, subject TEXT NOT NULL, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, subject));
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE,
  balance_cents INTEGER NOT NULL DEFAULT 0, has_payment_method INTEGER NOT NULL DEFAULT 0,
  auto_reload INTEGER NOT NULL DEFAULT 0, signing_key TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
  user_id TEXT NOT NULL, workspace_id TEXT NOT NULL, PRIMARY KEY (user_id, workspace_id));
CREATE TABLE IF NOT EXISTS device_codes (
  device_code_hash TEXT PRIMARY KEY, user_code TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL,
  legacy INTEGER NOT NULL, client_name TEXT, scope TEXT, client_ip TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, interval_ms INTEGER NOT NULL,
  last_poll_at INTEGER, status TEXT NOT NULL, user_id TEXT, workspace_id TEXT);
CREATE INDEX IF NOT EXISTS device_codes_by_expiry ON device_codes (expires_at);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, client_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, revoked_at INTEGER, revoked_reason TEXT);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL, created_at INTEGER NOT NULL, rotated_at INTEGER);
CREATE TABLE IF NOT EXISTS refresh_successors (
  token_hash TEXT PRIMARY KEY, successor_hash TEXT NOT NULL, sealed TEXT NOT NULL, rotated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE TABLE IF NOT EXISTS browser_sessions (
  id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS usage (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, user_id TEXT, api_key_id TEXT, model TEXT NOT NULL,
  cost_cents INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS usage_by_time ON usage (workspace_id, created_at);
CREATE TABLE IF NOT EXISTS usage_categories (
  workspace_id TEXT NOT NULL, category TEXT NOT NULL, enabled INTEGER NOT NULL, PRIMARY KEY (workspace_id, category));
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
`

export function openDatabase(path: string): Database {
  if (path !== ':memory:') prepareFolder(path)
  const db = new Database(path, { create: true, strict: true })
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;')
  db.exec(SCHEMA)
  if (path !== ':memory:') restrictFiles(path)
  return db
}

// The database holds the token signing key and workspace signing keys: owner-only access.
function prepareFolder(path: string) {
  const folder = dirname(path)
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 })
}

function restrictFiles(path: string) {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600)
  }
}

export function getMeta(db: Database, key: string): string | null {
  const row = db.query<{ value: string }, [string]>('SELECT value FROM meta WHERE key = ?').get(key)
  return row?.value ?? null
}

export function setMeta(db: Database, key: string, value: string) {
  db.query('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
}
