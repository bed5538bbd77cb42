// The inference gateway: validation, and signed requests (HMAC over timestamp, nonce, model and
// body hash; a nonce works once) whose cost is deducted from the workspace once per request,
// answered whole or streamed (gateway-stream.ts).
import { createHmac } from 'node:crypto'
import type { App } from '../app.ts'
import { ApiError, badRequest, json, parseJsonObject, readLimitedText, type Body } from '../lib/http.ts'
import { newId, safeEqual, sha256Hex } from '../lib/ids.ts'
import { billingOf, dollars, isBillingReady, setBilling, workspaceRef, findWorkspaceById, type Workspace } from '../store/workspaces.ts'
import { isCategoryEnabled, recordUsage } from '../store/usage.ts'
import type { RequestContext } from '../router.ts'
import { authenticateCaller, type Caller } from './auth.ts'
import { requireWorkspace } from './cli-api.ts'
import { answerJson, countWords, deterministicReply, streamAnswer, type ChatMessage } from './gateway-stream.ts'
import { COST_CENTS_PER_REQUEST, findModel, MODELS } from './models.ts'

const MAX_CLOCK_SKEW_SECONDS = 300
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
    inference: { enabled: isCategoryEnabled(app.db, workspace.id) },
  })
}

// The checks run in this order: who (401), which workspace (400/403/404), the signature (401),
// the model (400), the Apex Inference category (403), then the charge (402).
export async function messages({ app, req }: RequestContext): Promise<Response> {
  const caller = await authenticateCaller(app, req)
  const workspace = workspaceOfRequest(app, req, caller)
  const raw = await readLimitedText(req)
  const body = parseJsonObject(raw)
  const model = modelOf(body)
  verifySignature(app, req, workspace, model, raw)
  const conversation = messagesOf(body)
  if (!findModel(model)) throw new ApiError(400, 'unknown_model', `Unknown model ${model}. Models: ${MODELS.map((m) => m.id).join(', ')} (GET /gateway/v1/models).`)
  if (!isCategoryEnabled(app.db, workspace.id)) {
    const usageUrl = `${app.url}/${workspace.slug}/settings/usage`
    throw new ApiError(403, 'inference_disabled', `The Apex Inference category is switched off for ${workspace.slug}. Turn it on at ${usageUrl}`, {}, { usageUrl })
  }
  const balanceCents = charge(app, workspace, caller, model)
  const text = deterministicReply(model, conversation)
  const answer = {
    id: newId('msg_'), model, text, costCents: COST_CENTS_PER_REQUEST, balanceCents,
    inputTokens: conversation.reduce((n, m) => n + countWords(m.content), 0), outputTokens: countWords(text),
  }
  return body.stream === true ? streamAnswer(answer) : json(answerJson(answer))
}

/** The workspace a CLI request is about: `X-Workspace-Id`, or the API key's own. */
export function workspaceOfRequest(app: App, req: Request, caller: Caller): Workspace {
  const id = req.headers.get('x-workspace-id')
  if (!id) {
    if (caller.kind === 'api-key') return findWorkspaceById(app.db, caller.apiKey.workspaceId)!
    throw badRequest('X-Workspace-Id is required with an access token.')
  }
  return requireWorkspace(app, caller, id)
}

function modelOf(body: Body): string {
  const model = body.model
  if (typeof model !== 'string' || model === '') throw badRequest('model is required.')
  return model
}

function messagesOf(body: Body): ChatMessage[] {
  const list = body.messages
  const valid = Array.isArray(list) && list.length > 0 && list.every((m) => m && typeof m === 'object' && (m.role === 'user' || m.role === 'assistant') && typeof m.content === 'string')
  if (!valid) throw badRequest('messages must be a non-empty array of { role: "user" | "assistant", content: string }.')
  return list as ChatMessage[]
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
// can't overdraw the workspace. Returns the balance left, in cents.
function charge(app: App, workspace: Workspace, caller: Caller, model: string): number {
  return app.db.transaction(() => {
    const current = findWorkspaceById(app.db, workspace.id)!
    if (!isBillingReady(current)) {
      const billingUrl = `${app.url}/${workspace.slug}/settings/billing`
      throw new ApiError(402, 'insufficient_credits', `Workspace ${workspace.slug} needs a payment method and credits: ${billingUrl}`, {}, { billing: billingOf(current), billingUrl })
    }
    let balance = current.balanceCents - COST_CENTS_PER_REQUEST
    if (current.autoReload && current.hasPaymentMethod && balance < AUTO_RELOAD_BELOW_CENTS) balance += AUTO_RELOAD_AMOUNT_CENTS
    setBilling(app.db, workspace.id, { balanceCents: balance })
    recordUsage(app.db, { workspaceId: workspace.id, userId: caller.user.id, apiKeyId: caller.kind === 'api-key' ? caller.apiKey.id : null, model, costCents: COST_CENTS_PER_REQUEST, at: app.now() })
    return balance
  })()
}

function invalidSignature(description: string): ApiError {
  return new ApiError(401, 'invalid_signature', description)
}
