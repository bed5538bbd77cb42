// Per-workspace settings: billing (test payment method, credits, auto-reload) and API keys; the
// Usage page is in usage-page.ts.
import { apiKeysOfWorkspace, createApiKey, findApiKeyById, revokeApiKey } from '../store/api-keys.ts'
import { dollars, findWorkspaceBySlug, isMember, setBilling, toCents, type Workspace } from '../store/workspaces.ts'
import type { RequestContext } from '../router.ts'
import { MAX_NAME_LENGTH, nameProblem } from '../lib/text-rules.ts'
import { csrfField, errorBox, html, noticeBox, redirect, type Html } from './html.ts'
import { fieldOf, notFoundPage, render, signedInRequest, type SignedIn } from './page-kit.ts'

const MAX_PURCHASE = 10_000
const NOTICES: Record<string, string> = {
  card: 'Test payment method added.',
  credits: 'Credits added.',
  'auto-on': 'Auto-reload is on.',
  'auto-off': 'Auto-reload is off.',
  revoked: 'API key revoked.',
}

export type Member = SignedIn & { workspace: Workspace }

/** Resolves the signed-in member and workspace, or the response to send instead (sign-in, 403, 404). */
export async function member(ctx: RequestContext, posted: boolean): Promise<Member | Response> {
  const signedIn = await signedInRequest(ctx, { posted })
  if (signedIn instanceof Response) return signedIn
  const { pr, user } = signedIn
  const workspace = findWorkspaceBySlug(pr.app.db, ctx.params.slug!)
  if (!workspace || !isMember(pr.app.db, user.id, workspace.id)) return notFoundPage(pr)
  return { ...signedIn, workspace }
}

export async function showBilling(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, false)
  if (m instanceof Response) return m
  return billingPage(m, undefined, NOTICES[m.pr.url.searchParams.get('done') ?? ''])
}

export async function addPaymentMethod(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, true)
  if (m instanceof Response) return m
  setBilling(m.pr.app.db, m.workspace.id, { hasPaymentMethod: true })
  return redirect(`/${m.workspace.slug}/settings/billing?done=card`)
}

export async function buyCredits(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, true)
  if (m instanceof Response) return m
  const raw = fieldOf(m.form, 'amount').replace(/^\$/, '')
  const amount = Number(raw)
  if (!m.workspace.hasPaymentMethod) return billingPage(m, 'Add a payment method before buying credits.', undefined, 400)
  if (!/^\d+(\.\d{1,2})?$/.test(raw) || amount < 1 || amount > MAX_PURCHASE) {
    return billingPage(m, `Enter an amount in dollars from 1 to ${MAX_PURCHASE}, like 25 or 12.50.`, undefined, 400)
  }
  setBilling(m.pr.app.db, m.workspace.id, { balanceCents: m.workspace.balanceCents + toCents(amount) })
  return redirect(`/${m.workspace.slug}/settings/billing?done=credits`)
}

export async function toggleAutoReload(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, true)
  if (m instanceof Response) return m
  const on = !m.workspace.autoReload
  if (on && !m.workspace.hasPaymentMethod) return billingPage(m, 'Add a payment method before turning on auto-reload.', undefined, 400)
  setBilling(m.pr.app.db, m.workspace.id, { autoReload: on })
  return redirect(`/${m.workspace.slug}/settings/billing?done=${on ? 'auto-on' : 'auto-off'}`)
}

export async function showApiKeys(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, false)
  if (m instanceof Response) return m
  return apiKeysPage(m, { notice: NOTICES[m.pr.url.searchParams.get('done') ?? ''] })
}

export async function submitApiKey(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, true)
  if (m instanceof Response) return m
  const name = fieldOf(m.form, 'name')
  const problem = nameProblem('The API key name', name)
  if (problem) return apiKeysPage(m, { error: problem }, 400)
  const { apiKey } = createApiKey(m.pr.app.db, m.workspace.id, m.user.id, name, m.pr.app.now())
  return apiKeysPage(m, { newKey: apiKey })
}

export async function submitRevokeApiKey(ctx: RequestContext): Promise<Response> {
  const m = await member(ctx, true)
  if (m instanceof Response) return m
  const key = findApiKeyById(m.pr.app.db, ctx.params.id!)
  if (!key || key.workspaceId !== m.workspace.id) return notFoundPage(m.pr)
  revokeApiKey(m.pr.app.db, key.id, m.pr.app.now())
  return redirect(`/${m.workspace.slug}/settings/api-keys?done=revoked`)
}

export function nav({ workspace }: Member): Html {
  const base = `/${workspace.slug}/settings`
  return html`<nav><strong>${workspace.name}</strong> · <a href="${base}/billing">Billing</a><a href="${base}/usage">Usage</a><a href="${base}/api-keys">API keys</a></nav>`
}

function billingPage(m: Member, error?: string, notice?: string, status = 200): Response {
  const { workspace, pr } = m
  const action = (what: string) => `/${workspace.slug}/settings/billing/${what}`
  const csrf = csrfField(pr.browser.csrf)
  const card = workspace.hasPaymentMethod
    ? html`<p>Payment method: <strong>Test card •••• 4242</strong></p>`
    : html`<p>No payment method yet.</p><form method="post" action="${action('payment-method')}">${csrf}<button type="submit">Add test payment method</button></form>`
  const body = html`${nav(m)}<div class="card"><h1>Billing</h1>${errorBox(error)}${noticeBox(notice)}
  <p>Balance: <strong id="balance">$${dollars(workspace.balanceCents).toFixed(2)}</strong></p>${card}
  <h2>Buy credits</h2>
  <form method="post" action="${action('credits')}">${csrf}
    <label for="amount">Amount (US dollars)</label><input id="amount" name="amount" inputmode="decimal" placeholder="25" required>
    <button type="submit">Buy credits</button>
  </form>
  <h2>Auto-reload</h2>
  <p>Auto-reload is <strong id="auto-reload">${workspace.autoReload ? 'on' : 'off'}</strong>: when the balance falls under $5.00, $20.00 is bought with the payment method.</p>
  <form method="post" action="${action('auto-reload')}">${csrf}<button type="submit">Turn auto-reload ${workspace.autoReload ? 'off' : 'on'}</button></form>
  </div>`
  return render(pr, `Billing · ${workspace.name}`, body, status)
}

function apiKeysPage(m: Member, shown: { newKey?: string; error?: string; notice?: string }, status = 200): Response {
  const { workspace, pr } = m
  const keys = apiKeysOfWorkspace(pr.app.db, workspace.id)
  const created = shown.newKey
    ? html`<div class="notice" role="status"><p>Your new API key. Copy it now: it is shown only once.</p><code id="new-api-key">${shown.newKey}</code></div>`
    : ''
  const rows = keys.map((k) => html`<tr><td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${new Date(k.createdAt).toISOString().slice(0, 10)}</td>
    <td>${k.revokedAt ? 'revoked' : html`<form method="post" action="/${workspace.slug}/settings/api-keys/${k.id}/revoke">${csrfField(pr.browser.csrf)}<button class="secondary" type="submit">Revoke</button></form>`}</td></tr>`)
  const body = html`${nav(m)}<div class="card"><h1>API keys</h1>${errorBox(shown.error)}${noticeBox(shown.notice)}${created}
  <table><tr><th>Name</th><th>Key</th><th>Created</th><th></th></tr>${rows}</table>
  <h2>Create API key</h2>
  <form method="post" action="/${workspace.slug}/settings/api-keys">${csrfField(pr.browser.csrf)}
    <label for="name">Name</label><input id="name" name="name" placeholder="CI runner" maxlength="${MAX_NAME_LENGTH}" required>
    <button type="submit">Create API key</button>
  </form></div>`
  return render(pr, `API keys · ${workspace.name}`, body, status)
}
