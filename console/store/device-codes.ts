// Device codes of both flows (RFC 8628 and the legacy one). Only a hash of the device code is kept.
import type { Database } from 'bun:sqlite'
import { newUserCode, randomToken, sha256Hex } from '../lib/ids.ts'

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'spent'

export interface DeviceCode {
  deviceCodeHash: string
  userCode: string
  clientId: string
  legacy: boolean
  clientName: string | null
  clientIp: string
  createdAt: number
  expiresAt: number
  intervalMs: number
  lastPollAt: number | null
  status: DeviceCodeStatus
  userId: string | null
  workspaceId: string | null
}

interface Row {
  device_code_hash: string
  user_code: string
  client_id: string
  legacy: number
  client_name: string | null
  client_ip: string
  created_at: number
  expires_at: number
  interval_ms: number
  last_poll_at: number | null
  status: DeviceCodeStatus
  user_id: string | null
  workspace_id: string | null
}

function fromRow(r: Row): DeviceCode {
  return {
    deviceCodeHash: r.device_code_hash,
    userCode: r.user_code,
    clientId: r.client_id,
    legacy: r.legacy === 1,
    clientName: r.client_name,
    clientIp: r.client_ip,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    intervalMs: r.interval_ms,
    lastPollAt: r.last_poll_at,
    status: r.status,
    userId: r.user_id,
    workspaceId: r.workspace_id,
  }
}

export interface IssueInput {
  clientId: string
  legacy: boolean
  clientName?: string
  scope?: string
  clientIp: string
  now: number
  ttlMs: number
  intervalMs: number
}

/** Creates a code; returns the device code in clear (the only time it exists outside the client). */
export function issueDeviceCode(db: Database, input: IssueInput): { deviceCode: string; code: DeviceCode } {
  const deviceCode = randomToken('dc_')
  const hash = sha256Hex(deviceCode)
  purgeExpiredCodes(db, input.now)
  for (let attempt = 0; ; attempt++) {
    try {
      db.query(
        `INSERT INTO device_codes (device_code_hash, user_code, client_id, legacy, client_name, scope, client_ip,
          created_at, expires_at, interval_ms, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      ).run(hash, newUserCode(), input.clientId, input.legacy ? 1 : 0, input.clientName ?? null, input.scope ?? null,
        input.clientIp, input.now, input.now + input.ttlMs, input.intervalMs)
      break
    } catch (error) {
      // A user-code collision: 20^8 codes make it rare, so retry a few times.
      if (attempt >= 5 || !String(error).includes('UNIQUE')) throw error
    }
  }
  return { deviceCode, code: findByHash(db, hash)! }
}

// A client polling just after expiry still gets a precise expired_token (it stops at its own
// deadline anyway); after this grace the code is gone and would answer invalid_grant.
const EXPIRED_CODE_GRACE_MS = 10 * 60 * 1000

/** Deletes codes whose lifetime ended more than the grace ago: at start and whenever a code is issued. */
export function purgeExpiredCodes(db: Database, now: number) {
  db.query('DELETE FROM device_codes WHERE expires_at < ?').run(now - EXPIRED_CODE_GRACE_MS)
}

export function findByDeviceCode(db: Database, deviceCode: string): DeviceCode | null {
  return findByHash(db, sha256Hex(deviceCode))
}

function findByHash(db: Database, hash: string): DeviceCode | null {
  const row = db.query<Row, [string]>('SELECT * FROM device_codes WHERE device_code_hash = ?').get(hash)
  return row ? fromRow(row) : null
}

export function findByUserCode(db: Database, userCode: string): DeviceCode | null {
  const row = db.query<Row, [string]>('SELECT * FROM device_codes WHERE user_code = ?').get(userCode)
  return row ? fromRow(row) : null
}

export function pendingCodes(db: Database, now: number): DeviceCode[] {
  return db
    .query<Row, [number]>("SELECT * FROM device_codes WHERE status = 'pending' AND expires_at > ? ORDER BY created_at")
    .all(now)
    .map(fromRow)
}

export function recordPoll(db: Database, code: DeviceCode, now: number, intervalMs: number) {
  db.query('UPDATE device_codes SET last_poll_at = ?, interval_ms = ? WHERE device_code_hash = ?').run(now, intervalMs, code.deviceCodeHash)
}

export function decide(db: Database, code: DeviceCode, decision: 'approved' | 'denied', userId: string | null, workspaceId: string | null) {
  db.query("UPDATE device_codes SET status = ?, user_id = ?, workspace_id = ? WHERE device_code_hash = ? AND status = 'pending'")
    .run(decision, userId, workspaceId, code.deviceCodeHash)
}

/** Marks an approved code spent; false when another request spent it first (single use). */
export function spend(db: Database, code: DeviceCode): boolean {
  const result = db.query("UPDATE device_codes SET status = 'spent' WHERE device_code_hash = ? AND status = 'approved'").run(code.deviceCodeHash)
  return result.changes === 1
}

export function isUsable(code: DeviceCode | null, now: number): code is DeviceCode {
  return !!code && code.status === 'pending' && code.expiresAt > now
}
