import type { Database } from 'bun:sqlite'
import { newId, randomToken } from '../lib/ids.ts'

export interface Workspace {
  id: string
  name: string
  slug: string
  balanceCents: number
  hasPaymentMethod: boolean
  autoReload: boolean
  signingKey: string
}

interface WorkspaceRow {
  id: string
  name: string
  slug: string
  balance_cents: number
  has_payment_method: number
  auto_reload: number
  signing_key: string
}

// Slugs share the URL space with the Console's own routes.
const RESERVED_SLUGS = new Set([
  'api', 'auth', 'device', 'gateway', 'login', 'logout', 'oauth', 'signup', 'sso', 'user_management',
  'workspaces', '_console', 'settings', 'static',
])

const COLUMNS = 'id, name, slug, balance_cents, has_payment_method, auto_reload, signing_key'

function fromRow(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    balanceCents: row.balance_cents,
    hasPaymentMethod: row.has_payment_method === 1,
    autoReload: row.auto_reload === 1,
    signingKey: row.signing_key,
  }
}

export function findWorkspaceById(db: Database, id: string): Workspace | null {
  const row = db.query<WorkspaceRow, [string]>(`SELECT ${COLUMNS} FROM workspaces WHERE id = ?`).get(id)
  return row ? fromRow(row) : null
}

export function findWorkspaceBySlug(db: Database, slug: string): Workspace | null {
  const row = db.query<WorkspaceRow, [string]>(`SELECT ${COLUMNS} FROM workspaces WHERE slug = ?`).get(slug)
  return row ? fromRow(row) : null
}

export function workspacesOfUser(db: Database, userId: string): Workspace[] {
  return db
    .query<WorkspaceRow, [string]>(
      `SELECT ${COLUMNS} FROM workspaces WHERE id IN (SELECT workspace_id FROM memberships WHERE user_id = ?) ORDER BY name COLLATE NOCASE, slug`,
    )
    .all(userId)
    .map(fromRow)
}

export function isMember(db: Database, userId: string, workspaceId: string): boolean {
  return !!db.query('SELECT 1 FROM memberships WHERE user_id = ? AND workspace_id = ?').get(userId, workspaceId)
}

export function addMember(db: Database, userId: string, workspaceId: string) {
  db.query('INSERT OR IGNORE INTO memberships (user_id, workspace_id) VALUES (?, ?)').run(userId, workspaceId)
}

export interface NewWorkspace {
  name: string
  slug?: string
  balanceCents?: number
  hasPaymentMethod?: boolean
}

export function createWorkspace(db: Database, ownerId: string, input: NewWorkspace, now: number): Workspace {
  const slug = input.slug ? input.slug : uniqueSlug(db, slugify(input.name))
  const id = newId('ws_')
  db.query(
    'INSERT INTO workspaces (id, name, slug, balance_cents, has_payment_method, auto_reload, signing_key, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
  ).run(id, input.name, slug, input.balanceCents ?? 0, input.hasPaymentMethod ? 1 : 0, randomToken('sk_'), now)
  addMember(db, ownerId, id)
  return findWorkspaceById(db, id)!
}

export function isValidSlug(slug: string): boolean {
  return /^[a-z0-9][a-z0-9-]{0,47}$/.test(slug) && !RESERVED_SLUGS.has(slug)
}

export function slugify(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40)
  return isValidSlug(base) ? base : `ws-${base}`.replace(/-+$/, '') || 'workspace'
}

function uniqueSlug(db: Database, base: string): string {
  let slug = base
  for (let n = 2; findWorkspaceBySlug(db, slug); n++) slug = `${base}-${n}`
  return slug
}

export function setBilling(db: Database, id: string, change: { balanceCents?: number; hasPaymentMethod?: boolean; autoReload?: boolean }) {
  if (change.balanceCents !== undefined) db.query('UPDATE workspaces SET balance_cents = ? WHERE id = ?').run(change.balanceCents, id)
  if (change.hasPaymentMethod !== undefined)
    db.query('UPDATE workspaces SET has_payment_method = ? WHERE id = ?').run(change.hasPaymentMethod ? 1 : 0, id)
  if (change.autoReload !== undefined) db.query('UPDATE workspaces SET auto_reload = ? WHERE id = ?').run(change.autoReload ? 1 : 0, id)
}

export const dollars = (cents: number) => Math.round(cents) / 100
export const toCents = (amount: number) => Math.round(amount * 100)

export function billingOf(ws: Workspace) {
  return { balance: dollars(ws.balanceCents), hasPaymentMethod: ws.hasPaymentMethod, ready: isBillingReady(ws) }
}

export function isBillingReady(ws: Workspace): boolean {
  return ws.hasPaymentMethod && ws.balanceCents > 0
}

export function workspaceRef(ws: Workspace) {
  return { id: ws.id, name: ws.name, slug: ws.slug }
}

export function workspaceSummary(ws: Workspace) {
  return { ...workspaceRef(ws), balance: dollars(ws.balanceCents), hasPaymentMethod: ws.hasPaymentMethod }
}
