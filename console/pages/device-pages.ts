// /device → (sign in) → /device/confirm → /device/done: a person approves a code from a terminal.
import { approveCode, denyCode } from '../approvals.ts'
import { ApiError } from '../lib/http.ts'
import { normalizeUserCode } from '../lib/ids.ts'
import { findByUserCode, isUsable, type DeviceCode } from '../store/device-codes.ts'
import { workspacesOfUser } from '../store/workspaces.ts'
import type { RequestContext } from '../router.ts'
import { csrfField, errorBox, html, redirect } from './html.ts'
import { fieldOf, readForm, render, requireUser, withBrowser, type PageRequest } from './page-kit.ts'

const BAD_CODE = 'That code is not valid or has expired. Check the code shown in your terminal, or start the login again.'

export function showDeviceForm(ctx: RequestContext): Response {
  const pr = withBrowser(ctx)
  return codeForm(pr, pr.url.searchParams.get('user_code') ?? '')
}

export async function submitDeviceForm(ctx: RequestContext): Promise<Response> {
  const pr = withBrowser(ctx)
  const read = await readForm(pr)
  if ('rejected' in read) return read.rejected
  const entered = fieldOf(read.form, 'user_code')
  const code = usableCode(pr, entered)
  if (!code) return codeForm(pr, entered, BAD_CODE, 400)
  return redirect(`/device/confirm?user_code=${code.userCode}`)
}

export function showConfirm(ctx: RequestContext): Response {
  const pr = withBrowser(ctx)
  const signedIn = requireUser(pr)
  if ('redirect' in signedIn) return signedIn.redirect
  const entered = pr.url.searchParams.get('user_code') ?? ''
  const code = usableCode(pr, entered)
  if (!code) return codeForm(pr, entered, BAD_CODE, 400)
  return confirmPage(pr, code)
}

export async function submitConfirm(ctx: RequestContext): Promise<Response> {
  const pr = withBrowser(ctx)
  const read = await readForm(pr)
  if ('rejected' in read) return read.rejected
  const signedIn = requireUser(pr)
  if ('redirect' in signedIn) return signedIn.redirect
  const code = usableCode(pr, fieldOf(read.form, 'user_code'))
  if (!code) return codeForm(pr, fieldOf(read.form, 'user_code'), BAD_CODE, 400)
  const action = fieldOf(read.form, 'action')
  if (action === 'deny') {
    denyCode(pr.app, code)
    return redirect('/device/done?result=denied')
  }
  if (action !== 'approve') return confirmPage(pr, code, 'Choose Approve or Deny.', 400)
  try {
    approveCode(pr.app, code, signedIn.user, fieldOf(read.form, 'workspace') || undefined)
  } catch (error) {
    if (error instanceof ApiError) return confirmPage(pr, code, error.description, 400)
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

function usableCode(pr: PageRequest, entered: string): DeviceCode | null {
  const userCode = normalizeUserCode(entered)
  const code = userCode ? findByUserCode(pr.app.db, userCode) : null
  return isUsable(code, pr.app.now()) ? code : null
}

function codeForm(pr: PageRequest, prefill: string, error?: string, status = 200): Response {
  const body = html`<div class="card"><h1>Connect a device</h1>
  <p>Enter the code shown in your terminal.</p>${errorBox(error)}
  <form method="post" action="/device">${csrfField(pr.browser.csrf)}
    <label for="user_code">Code</label>
    <input id="user_code" name="user_code" value="${prefill}" placeholder="XXXX-XXXX" autocomplete="off" autocapitalize="characters" required autofocus>
    <button type="submit">Continue</button>
  </form></div>`
  return render(pr, 'Connect a device', body, status)
}

function confirmPage(pr: PageRequest, code: DeviceCode, error?: string, status = 200): Response {
  const user = pr.browser.user!
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
