// The inference gateway: validation, and signed requests (HMAC over timestamp, nonce, model and
// body hash; a nonce works once) whose cost is deducted from the workspace.
import { createHmac } from 'node:crypto'
import type { App } from '../app.ts'
import { ApiError, badRequest, json, parseJsonObject, readLimitedText } from '../lib/http.ts'
import { newId, safeEqual, sha256Hex } from '../lib/ids.ts'
import { dollars, isBillingReady, setBilling, workspaceRef, findWorkspaceById, type Workspace } from '../store/workspaces.ts'
import type { RequestContext } from '../router.ts'
import { authenticateCaller, type Caller } from './auth.ts'
import { requireWorkspace } from './cli-api.ts'

const MAX_CLOCK_SKEW_SECONDS = 300
const COST_CENTS = 1
// Auto-reload: when a charge takes the balance under $5, buy $20 with the payment method on file.
const AUTO_RELOAD_BELOW_CENTS = 500
const AUTO_RELOAD_AMOUNT_CENTS = 2000

export async function validateGateway({ app, req }: RequestContext): Promise<Response> {
  const caller = await authenticateCaller(app, req)
  const workspace = workspaceOfRequest(app, req, caller)
  return json({
    workspace: workspaceRef(workspace),
    credits: { balance: dollars(workspace.balanceCents) },
    billing: { ready: isBillingReady(workspace), hasPaymentMethod: workspace.hasPaymentMethod },
  })
}

export async function messages({ app, req }: RequestContext): Promise<Response> {
  const caller = await authenticateCaller(app, req)
  const workspace = workspaceOfRequest(app, req, caller)
  const raw = await readLimitedText(req)
  const model = modelOf(raw)
  verifySignature(app, req, workspace, model, raw)
  charge(app, workspace, caller, model)
  return json({
    id: newId('msg_'),
    model,
    content: [{ type: 'text', text: 'Hello from the local Pensar Console gateway.' }],
    usage: { cost: dollars(COST_CENTS) },
  })
}

function workspaceOfRequest(app: App, req: Request, caller: Caller): Workspace {
  const id = req.headers.get('x-workspace-id')
  if (!id) {
    if (caller.kind === 'api-key') return findWorkspaceById(app.db, caller.apiKey.workspaceId)!
    throw badRequest('X-Workspace-Id is required with an access token.')
  }
  return requireWorkspace(app, caller, id)
}

function modelOf(raw: string): string {
  const model = parseJsonObject(raw).model
  if (typeof model !== 'string' || model === '') throw badRequest('model is required.')
  return model
}

function verifySignature(app: App, req: Request, workspace: Workspace, model: string, raw: string) {
  const timestamp = req.headers.get('x-pensar-timestamp') ?? ''
  const nonce = req.headers.get('x-pensar-nonce') ?? ''
  const signature = req.headers.get('x-pensar-signature') ?? ''
  const nowSeconds = Math.floor(app.now() / 1000)
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    throw invalidSignature('X-Pensar-Timestamp is missing or more than 300 s off the server clock.')
  }
  // Bounded: every nonce is kept for 10 minutes, so its length is what a request can make us store.
  if (!/^[0-9a-f]{16,64}$/i.test(nonce)) throw invalidSignature('X-Pensar-Nonce must be 16 to 64 hex characters.')
  const expected = createHmac('sha256', workspace.signingKey)
    .update(`${timestamp}\n${nonce}\n${model}\n${sha256Hex(raw)}`)
    .digest('hex')
  if (!safeEqual(expected, signature.toLowerCase())) throw invalidSignature('X-Pensar-Signature does not match the request.')
  rememberNonce(app, nonce.toLowerCase(), nowSeconds)
}

function rememberNonce(app: App, nonce: string, nowSeconds: number) {
  app.db.query('DELETE FROM nonces WHERE seen_at < ?').run(nowSeconds - 2 * MAX_CLOCK_SKEW_SECONDS)
  const inserted = app.db.query('INSERT OR IGNORE INTO nonces (nonce, seen_at) VALUES (?, ?)').run(nonce, nowSeconds)
  if (inserted.changes === 0) throw invalidSignature('This nonce was already used (a replayed request).')
}

// Checks the balance as it is now, not as it was before the body arrived: requests sent together
// can't overdraw the workspace.
function charge(app: App, workspace: Workspace, caller: Caller, model: string) {
  app.db.transaction(() => {
    const current = findWorkspaceById(app.db, workspace.id)!
    if (!isBillingReady(current)) {
      throw new ApiError(402, 'insufficient_credits', `Workspace ${workspace.slug} needs a payment method and credits: ${app.url}/${workspace.slug}/settings/billing`)
    }
    let balance = current.balanceCents - COST_CENTS
    if (current.autoReload && current.hasPaymentMethod && balance < AUTO_RELOAD_BELOW_CENTS) balance += AUTO_RELOAD_AMOUNT_CENTS
    setBilling(app.db, workspace.id, { balanceCents: balance })
    app.db.query('INSERT INTO usage (id, workspace_id, user_id, api_key_id, model, cost_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      newId('use_'), workspace.id, caller.user.id, caller.kind === 'api-key' ? caller.apiKey.id : null, model, COST_CENTS, app.now())
  })()
}

function invalidSignature(description: string): ApiError {
  return new ApiError(401, 'invalid_signature', description)
}
