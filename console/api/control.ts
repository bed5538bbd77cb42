// The control API for tests and demos (only with --dev): set up users, workspaces and billing,
// decide user codes without a browser, revoke sessions, read stats and inject faults.
import type { App } from '../app.ts'
import { approveCode, denyCode } from '../approvals.ts'
import { parseFault } from '../faults.ts'
import { badRequest, json, notFound, optionalBoolean, optionalNumber, optionalString, readBody, requireString, type Body } from '../lib/http.ts'
import { normalizeUserCode } from '../lib/ids.ts'
import { createApiKey } from '../store/api-keys.ts'
import { findByUserCode, isUsable, pendingCodes } from '../store/device-codes.ts'
import { revokeSessionsOfUser } from '../store/sessions.ts'
import { createUser, createUserUnlessTaken, emailProblem, findUserByEmail, hashPassword, normalizeEmail, publicUser, type User } from '../store/users.ts'
import { addMember, createWorkspace, findWorkspaceById, findWorkspaceBySlug, isValidSlug, setBilling, toCents, workspaceSummary, type NewWorkspace, type Workspace } from '../store/workspaces.ts'
import { nameProblem } from '../lib/text-rules.ts'
import { NO_STORE } from './tokens.ts'
import { isCategoryEnabled, setCategoryEnabled } from '../store/usage.ts'
import { resetStats } from '../stats.ts'
import type { RequestContext, Route } from '../router.ts'
import { createUserWithWorkspace } from './new-user.ts'

export function controlRoutes(): Route[] {
  const post = (pattern: string, handler: (app: App, body: Body, params: Record<string, string>) => unknown | Promise<unknown>): Route => ({
    method: 'POST',
    pattern,
    handler: async ({ app, req, params }: RequestContext) => json(await handler(app, await readBody(req, { formAllowed: false }), params), 200, NO_STORE),
  })
  // Answers carry API keys and pending user codes: never cached.
  const get = (pattern: string, handler: (app: App) => unknown): Route => ({ method: 'GET', pattern, handler: ({ app }) => json(handler(app), 200, NO_STORE) })
  return [
    post('/_console/users', createUserWithWorkspaces),
    post('/_console/workspaces', createWorkspaceFor),
    post('/_console/workspaces/:slug/members', addMemberTo),
    post('/_console/workspaces/:slug/billing', setWorkspaceBilling),
    post('/_console/api-keys', createKeyFor),
    get('/_console/device/pending', listPending),
    post('/_console/device/approve', approve),
    post('/_console/device/deny', deny),
    post('/_console/sessions/revoke', revokeSessions),
    get('/_console/stats', (app) => app.stats),
    post('/_console/stats/reset', (app) => (resetStats(app.stats), { ok: true })),
    post('/_console/faults', (app, body) => {
      const { route, fault } = parseFault(body)
      app.faults.set(route, fault)
      return { ok: true }
    }),
    { method: 'DELETE', pattern: '/_console/faults', handler: ({ app }) => (app.faults.clear(), json({ ok: true }, 200, NO_STORE)) },
  ]
}

/** Whether a matched route pattern belongs to the control API. */
export function isControlRoute(pattern: string): boolean {
  return pattern.startsWith('/_console/')
}

// The control API has no credentials, so a web page must not reach it through the browser of the
// person running the Console: the Host must be the Console's own or a loopback name (DNS rebinding),
// a browser's Origin, if sent, must be the Console itself (cross-site posts), and a browser that
// says where a request comes from must say this site (cross-site GETs carry no Origin).
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

export function isLocalControlRequest(app: App, req: Request, url: URL): boolean {
  const ownHost = app.options.host.includes(':') ? `[${app.options.host}]` : app.options.host
  if (!LOOPBACK_HOSTS.has(url.hostname) && url.hostname !== ownHost) return false
  const site = req.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin' && site !== 'none') return false
  const origin = req.headers.get('origin')
  return origin === null || origin === url.origin
}

// Checks everything before storing anything, and stores the user and workspaces in one
// transaction: a bad workspace spec or a racing request with the same email leaves nothing behind.
async function createUserWithWorkspaces(app: App, body: Body) {
  const email = requireEmail(body)
  const specs = body.workspaces ?? []
  if (!Array.isArray(specs)) throw badRequest('workspaces must be an array.')
  const workspaces = specs.map((spec) => workspaceSpec(spec))
  const password = optionalString(body, 'password')
  const passwordHash = password ? await hashPassword(password) : null
  return app.db.transaction(() => {
    const user = createUserUnlessTaken(app.db, email, passwordHash, app.now())
    if (!user) throw badRequest(`A user with email ${normalizeEmail(email)} already exists.`)
    const created = workspaces.map((spec) => newWorkspace(app, user, spec))
    return { user: publicUser(user), workspaces: created.map(workspaceSummary) }
  })()
}

async function createWorkspaceFor(app: App, body: Body) {
  const spec = workspaceSpec(body)
  const email = requireEmail(body)
  return app.db.transaction(() => ({ workspace: workspaceSummary(newWorkspace(app, userOf(app, email), spec)) }))()
}

function addMemberTo(app: App, body: Body, params: Record<string, string>) {
  const workspace = requireWorkspaceBySlug(app, params.slug!)
  addMember(app.db, userOf(app, requireEmail(body)).id, workspace.id)
  return { ok: true }
}

function setWorkspaceBilling(app: App, body: Body, params: Record<string, string>) {
  const workspace = requireWorkspaceBySlug(app, params.slug!)
  const balance = optionalNumber(body, 'balance')
  const hasPaymentMethod = optionalBoolean(body, 'hasPaymentMethod')
  const inferenceEnabled = optionalBoolean(body, 'inferenceEnabled')
  setBilling(app.db, workspace.id, { balanceCents: balance === undefined ? undefined : toCents(balance), hasPaymentMethod })
  if (inferenceEnabled !== undefined) setCategoryEnabled(app.db, workspace.id, inferenceEnabled)
  return { workspace: { ...workspaceSummary(findWorkspaceById(app.db, workspace.id)!), inferenceEnabled: isCategoryEnabled(app.db, workspace.id) } }
}

function createKeyFor(app: App, body: Body) {
  const workspace = requireWorkspaceBySlug(app, requireString(body, 'workspace'))
  const name = optionalString(body, 'name') ?? 'Control API key'
  requireName('The API key name', name)
  const user = userOf(app, requireEmail(body))
  addMember(app.db, user.id, workspace.id)
  const { apiKey, record } = createApiKey(app.db, workspace.id, user.id, name, app.now())
  return { apiKey, id: record.id }
}

function listPending(app: App) {
  const codes = pendingCodes(app.db, app.now()).map((code) => ({
    user_code: code.userCode,
    client_id: code.clientId,
    legacy: code.legacy,
    created_at: new Date(code.createdAt).toISOString(),
    expires_at: new Date(code.expiresAt).toISOString(),
  }))
  return { codes }
}

function approve(app: App, body: Body) {
  const code = requirePendingCode(app, body)
  const email = requireEmail(body)
  return app.db.transaction(() => {
    const user = userOf(app, email, { withWorkspace: true })
    approveCode(app, code, user, optionalString(body, 'workspace'))
    return { approved: true, user: publicUser(user) }
  })()
}

function deny(app: App, body: Body) {
  denyCode(app, requirePendingCode(app, body))
  return { denied: true }
}

function revokeSessions(app: App, body: Body) {
  const user = findUserByEmail(app.db, requireEmail(body))
  if (!user) throw notFound('No user with that email.')
  const revoked = revokeSessionsOfUser(app.db, user.id, 'revoked by control API', app.now())
  app.stats.revocations += revoked
  return { revoked }
}

function requirePendingCode(app: App, body: Body) {
  const userCode = normalizeUserCode(requireString(body, 'user_code'))
  const code = userCode ? findByUserCode(app.db, userCode) : null
  if (!isUsable(code, app.now())) throw notFound('No pending, unexpired device code with that user_code.')
  return code
}

function requireEmail(body: Body): string {
  const email = requireString(body, 'email')
  const problem = emailProblem(email.trim())
  if (problem) throw badRequest(problem)
  return email
}

function requireName(what: string, name: string) {
  const problem = nameProblem(what, name)
  if (problem) throw badRequest(problem)
}

/** The user with that email; an unknown email becomes a new user (with one workspace if asked). */
function userOf(app: App, email: string, { withWorkspace = false } = {}): User {
  const existing = findUserByEmail(app.db, email)
  if (existing) return publicUser(existing)
  return withWorkspace ? createUserWithWorkspace(app, email) : createUser(app.db, email, null, app.now())
}

/** A workspace to create, checked: name, slug, balance and payment method. */
function workspaceSpec(spec: unknown): NewWorkspace {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw badRequest('Each workspace must be an object.')
  const body = spec as Body
  const name = requireString(body, 'name')
  requireName('The workspace name', name)
  const slug = optionalString(body, 'slug')
  if (slug !== undefined && !isValidSlug(slug)) throw badRequest('slug must be lowercase letters, digits and dashes (at most 48), and not a name the Console uses itself.')
  const balance = optionalNumber(body, 'balance')
  return {
    name,
    slug,
    balanceCents: balance === undefined ? 0 : toCents(balance),
    hasPaymentMethod: optionalBoolean(body, 'hasPaymentMethod') ?? false,
  }
}

function newWorkspace(app: App, user: User, spec: NewWorkspace): Workspace {
  if (spec.slug !== undefined && findWorkspaceBySlug(app.db, spec.slug)) throw badRequest(`Workspace ${spec.slug} already exists.`)
  return createWorkspace(app.db, user.id, spec, app.now())
}

function requireWorkspaceBySlug(app: App, slug: string): Workspace {
  const workspace = findWorkspaceBySlug(app.db, slug)
  if (!workspace) throw notFound(`No workspace ${slug}.`)
  return workspace
}
