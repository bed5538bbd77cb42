// Login sessions of devices (one per device-flow login) and their rotating refresh tokens.
import type { Database } from 'bun:sqlite'
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { newId, randomToken, sha256Hex } from '../lib/ids.ts'

export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000

export interface Session {
  id: string
  userId: string
  clientId: string
  expiresAt: number
  revokedAt: number | null
}

interface SessionRow {
  id: string
  user_id: string
  client_id: string
  expires_at: number
  revoked_at: number | null
}

const fromRow = (r: SessionRow): Session => ({
  id: r.id,
  userId: r.user_id,
  clientId: r.client_id,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
})

export function createSession(db: Database, userId: string, clientId: string, now: number): Session {
  const id = newId('sess_')
  db.query('INSERT INTO sessions (id, user_id, client_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
    id, userId, clientId, now, now + SESSION_LIFETIME_MS)
  return findSession(db, id)!
}

export function findSession(db: Database, id: string): Session | null {
  const row = db.query<SessionRow, [string]>('SELECT id, user_id, client_id, expires_at, revoked_at FROM sessions WHERE id = ?').get(id)
  return row ? fromRow(row) : null
}

export function isLive(session: Session | null, now: number): session is Session {
  return !!session && session.revokedAt === null && session.expiresAt > now
}

/** Ends a session; returns false when it had already ended. */
export function revokeSession(db: Database, id: string, reason: string, now: number): boolean {
  return db.query('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL').run(now, reason, id).changes === 1
}

export function revokeSessionsOfUser(db: Database, userId: string, reason: string, now: number): number {
  return db.query('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL').run(now, reason, userId).changes
}

export function issueRefreshToken(db: Database, sessionId: string, now: number): string {
  const token = randomToken('rt_')
  db.query('INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)').run(sha256Hex(token), sessionId, now)
  return token
}

export interface RefreshTokenRecord {
  sessionId: string
  rotatedAt: number | null
}

export function findRefreshToken(db: Database, token: string): RefreshTokenRecord | null {
  const row = db
    .query<{ session_id: string; rotated_at: number | null }, [string]>('SELECT session_id, rotated_at FROM refresh_tokens WHERE token_hash = ?')
    .get(sha256Hex(token))
  return row ? { sessionId: row.session_id, rotatedAt: row.rotated_at } : null
}

/** Marks a refresh token used; false when it was already used (a concurrent rotation won). */
export function markRotated(db: Database, token: string, now: number): boolean {
  return db.query('UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL').run(now, sha256Hex(token)).changes === 1
}

// The reuse grace (docs/console-api.md §2, refresh grant). When a refresh token T is rotated, its
// successor S is kept sealed under a key only T's holder has (a hash of T that, unlike the stored
// one, is never written), so the same client can be answered with the same S if it presents T
// again within the grace: the answer it lost. A copy of the database alone reveals no live token.

const sealingKey = (token: string) => createHash('sha256').update(`pensar refresh successor\n${token}`).digest()

/** Keeps `successor` for a repeat of `token` within the grace; forgets what `token` itself was the successor of. */
export function sealSuccessor(db: Database, token: string, successor: string, now: number): void {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealingKey(token), iv)
  const sealed = Buffer.concat([iv, cipher.update(successor, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64url')
  db.query('DELETE FROM refresh_successors WHERE successor_hash = ?').run(sha256Hex(token))
  db.query('INSERT OR REPLACE INTO refresh_successors (token_hash, successor_hash, sealed, rotated_at) VALUES (?, ?, ?, ?)').run(sha256Hex(token), sha256Hex(successor), sealed, now)
}

/**
 * The refresh token that replaced `token`, when `token` was rotated at most `graceMs` ago and that
 * successor has not been used yet: the answer carrying it was lost. Null otherwise (then it is reuse).
 */
export function successorWithinGrace(db: Database, token: string, now: number, graceMs: number): string | null {
  const row = db
    .query<{ successor_hash: string; sealed: string; rotated_at: number }, [string]>('SELECT successor_hash, sealed, rotated_at FROM refresh_successors WHERE token_hash = ?')
    .get(sha256Hex(token))
  if (!row || now - row.rotated_at > graceMs) return null
  const successor = db.query<{ rotated_at: number | null }, [string]>('SELECT rotated_at FROM refresh_tokens WHERE token_hash = ?').get(row.successor_hash)
  if (!successor || successor.rotated_at !== null) return null
  const bytes = Buffer.from(row.sealed, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(token), bytes.subarray(0, 12))
  decipher.setAuthTag(bytes.subarray(bytes.length - 16))
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8')
}
