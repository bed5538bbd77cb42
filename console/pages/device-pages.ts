// /device → (sign in) → /device/confirm → /device/done: a person approves a code from a terminal.
import { approveCode, denyCode } from '../approvals.ts'
import { ApiError } from '../lib/http.ts'
import { normalizeUserCode } from '../lib/ids.ts'
import { findByUserCode, isUsable, type DeviceCode } from '../store/device-codes.ts'
import { workspacesOfUser } from '../store/workspaces.ts'
import type { RequestContext } from '../router.ts'
import { csrfField, errorBox, html, redirect } from './html.ts'
import { fieldOf, readForm, render, signedInRequest, withBrowser, withRetryAfter, type PageRequest, type SignedIn } from './page-kit.ts'
import { minutesToWait, type Rule } from '../throttle.ts'
import { addressKey } from '../lib/addresses.ts'
import type { User } from '../store/users.ts'

const BAD_CODE = 'That code is not valid or has expired. Check the code shown in your terminal, or start the login again.'
// RFC 8628 §5.1: wrong codes allowed per 15 minutes before a wait. Before sign-in they count per
// browser and per client address; once signed in, per account.
const CODE_FAILURES_PER_BROWSER = 5
const CODE_FAILURES_PER_ADDRESS = 50
const CODE_FAILURES_PER_ACCOUNT = 10

export function showDeviceForm(ctx: RequestContext): Response {
  const pr = withBrowser(ctx)
  return codeForm(pr, pr.url.searchParams.get('user_code') ?? '')
}

export async function submitDeviceForm(ctx: RequestContext): Promise<Response> {
  const pr = withBrowser(ctx)
  const read = await readForm(pr)
  if ('rejected' in read) return read.rejected
  const entered = fieldOf(read.form, 'user_code')
  const found = pr.browser.user ? lookupCode(pr, pr.browser.user, entered) : lookupCodeBeforeSignIn(pr, entered)
  if ('error' in found) return codeForm(pr, entered, found)
  return redirect(`/device/confirm?user_code=${'code' in found ? found.code.userCode : found.unchecked}`)
}

export async function showConfirm(ctx: RequestContext): Promise<Response> {
  const signedIn = await signedInRequest(ctx, { posted: false })
  if (signedIn instanceof Response) return signedIn
  const entered = signedIn.pr.url.searchParams.get('user_code') ?? ''
  const found = lookupCode(signedIn.pr, signedIn.user, entered)
  return 'error' in found ? codeForm(signedIn.pr, entered, found) : confirmPage(signedIn, found.code)
}

export async function submitConfirm(ctx: RequestContext): Promise<Response> {
  const signedIn = await signedInRequest(ctx, { posted: true })
  if (signedIn instanceof Response) return signedIn
  const { pr, user, form } = signedIn
  const entered = fieldOf(form, 'user_code')
  const found = lookupCode(pr, user, entered)
  if ('error' in found) return codeForm(pr, entered, found)
  const { code } = found
  const action = fieldOf(form, 'action')
  if (action === 'deny') {
    denyCode(pr.app, code)
    return redirect('/device/done?result=denied')
  }
  if (action !== 'approve') return confirmPage(signedIn, code, 'Choose Approve or Deny.', 400)
  try {
    approveCode(pr.app, code, user, fieldOf(form, 'workspace') || undefined)
  } catch (error) {
    if (error instanceof ApiError) return confirmPage(signedIn, code, error.description, 400)
    throw error
  }
  return redirect('/device/done?result=approved')
}

export function showDone(ctx: RequestContext): Response {
  const pr = withBrowser(ctx)
  const denied = pr.url.searchParams.get('result') === 'denied'
  const body = denied
    ? html`<div class="card"><h1>Request denied.</h1><p>The device was not connected. You can close this tab.</p></div>`
    : html`<div class="card"><h1>Device connected.</h1><p>You can return to your terminal.</p></div>`
  return render(pr, denied ? 'Request denied' : 'Device connected', body)
}

type Problem = { error: string; status: number; waitMs?: number }

/** The pending code a signed-in person typed; their wrong entries count against their account. */
function lookupCode(pr: PageRequest, user: User, entered: string): { code: DeviceCode } | Problem {
  return checkCode(pr, entered, [{ key: `code-account:${user.id}`, max: CODE_FAILURES_PER_ACCOUNT }])
}

/**
 * Before sign-in, wrong codes count against the browser and its address. An address at its limit
 * doesn't lock out everyone behind it (an office, a VPN): their codes are checked after sign-in
 * instead, against each person's own account, and nothing tells a guesser there whether a code was right.
 */
function lookupCodeBeforeSignIn(pr: PageRequest, entered: string): { code: DeviceCode } | { unchecked: string } | Problem {
  const browser = { key: `code-browser:${pr.browser.csrf}`, max: CODE_FAILURES_PER_BROWSER }
  const address = { key: `code-address:${addressKey(pr.ip)}`, max: CODE_FAILURES_PER_ADDRESS }
  const browserWaitMs = pr.app.throttle.waitMs([browser])
  if (browserWaitMs > 0) return tooManyCodes(browserWaitMs)
  if (pr.app.throttle.waitMs([address]) > 0) {
    const userCode = normalizeUserCode(entered)
    return userCode ? { unchecked: userCode } : { error: BAD_CODE, status: 400 }
  }
  return checkCode(pr, entered, [browser, address])
}

function checkCode(pr: PageRequest, entered: string, rules: Rule[]): { code: DeviceCode } | Problem {
  const waitMs = pr.app.throttle.attempt(rules)
  if (waitMs > 0) return tooManyCodes(waitMs)
  const userCode = normalizeUserCode(entered)
  const code = userCode ? findByUserCode(pr.app.db, userCode) : null
  if (!isUsable(code, pr.app.now())) return { error: BAD_CODE, status: 400 }
  pr.app.throttle.succeeded(rules)
  return { code }
}

const tooManyCodes = (waitMs: number): Problem => ({ error: `Too many wrong codes. Try again in ${minutesToWait(waitMs)}.`, status: 429, waitMs })

function codeForm(pr: PageRequest, prefill: string, { error, status, waitMs }: Partial<Problem> = {}): Response {
  const body = html`<div class="card"><h1>Connect a device</h1>
  <p>Enter the code shown in your terminal.</p>${errorBox(error)}
  <form method="post" action="/device">${csrfField(pr.browser.csrf)}
    <label for="user_code">Code</label>
    <input id="user_code" name="user_code" value="${prefill}" placeholder="XXXX-XXXX" autocomplete="off" autocapitalize="characters" required autofocus>
    <button type="submit">Continue</button>
  </form></div>`
  const response = render(pr, 'Connect a device', body, status ?? 200)
  return waitMs ? withRetryAfter(response, waitMs) : response
}

function confirmPage({ pr, user }: SignedIn, code: DeviceCode, error?: string, status = 200): Response {
  const issued = new Date(code.createdAt)
  const minutesAgo = Math.max(0, Math.round((pr.app.now() - code.createdAt) / 60000))
  const client = code.legacy ? code.clientName ?? 'Apex CLI (legacy login)' : code.clientId === 'client_pensar_cli' ? 'Pensar CLI' : code.clientId
  const workspaces = code.legacy ? workspacesOfUser(pr.app.db, user.id) : []
  const picker = code.legacy
    ? html`<label for="workspace">Workspace that gets the API key</label>
      <select id="workspace" name="workspace">${workspaces.map((w) => html`<option value="${w.slug}">${w.name}</option>`)}</select>`
    : ''
  const body = html`<div class="card"><h1>Approve this device?</h1>${errorBox(error)}
  <p class="code">${code.userCode}</p>
  <table>
    <tr><th>Application</th><td>${client} <small>(${code.clientId})</small></td></tr>
    <tr><th>Requested</th><td><time datetime="${issued.toISOString()}">${issued.toUTCString()}</time> (${minutesAgo} min ago)</td></tr>
    <tr><th>From IP address</th><td>${code.clientIp}</td></tr>
    <tr><th>Signed in as</th><td>${user.email}</td></tr>
  </table>
  <p>Only approve if you started this login yourself and the code matches your terminal.</p>
  <form method="post" action="/device/confirm">${csrfField(pr.browser.csrf)}
    <input type="hidden" name="user_code" value="${code.userCode}">${picker}
    <div class="actions"><button type="submit" name="action" value="approve">Approve</button>
    <button class="secondary" type="submit" name="action" value="deny">Deny</button></div>
  </form></div>`
  return render(pr, 'Approve device', body, status)
}
