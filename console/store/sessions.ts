// Login sessions of devices (one per device-flow login) and their rotating refresh tokens.
import type { Database } from 'bun:sqlite'
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

/**
 * The reuse grace (docs/console-api.md §2, refresh grant): a refresh token rotated at most `graceMs`
 * ago may be redeemed once more, when the token that replaced it has not been used yet; the answer
 * that carried that successor is taken as lost. The successor is retired (spent) in the same
 * transaction, so a session never has two live refresh tokens, and a copy of it presented later
 * counts as reuse. False when the grace does not apply: the caller treats it as reuse.
 */
export function redeemWithinGrace(db: Database, token: string, sessionId: string, now: number, graceMs: number): boolean {
  const hash = sha256Hex(token)
  return db.transaction(() => {
    const row = db.query<{ rotated_at: number | null }, [string]>('SELECT rotated_at FROM refresh_tokens WHERE token_hash = ?').get(hash)
    if (row?.rotated_at == null || now - row.rotated_at > graceMs) return false
    const successorUsed = db
      .query<{ n: number }, [string, string, number]>('SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ? AND token_hash != ? AND rotated_at >= ?')
      .get(sessionId, hash, row.rotated_at)!.n > 0
    if (successorUsed) return false
    db.query('UPDATE refresh_tokens SET rotated_at = ? WHERE session_id = ? AND rotated_at IS NULL').run(now, sessionId)
    return true
  })()
}
