// Sign in, sign up (with a first workspace), sign out, the workspace list and new workspaces.
import { checkPassword, createUser, findUserByEmail, hashPassword, isPlausibleEmail, normalizeEmail } from '../store/users.ts'
import { minutesToWait } from '../throttle.ts'
import { createWorkspace, dollars, workspacesOfUser } from '../store/workspaces.ts'
import type { RequestContext } from '../router.ts'
import { safeNext, signIn, signOut } from './browser-session.ts'
import { csrfField, errorBox, html, redirect } from './html.ts'
import { fieldOf, readForm, render, signedInRequest, withBrowser, type PageRequest } from './page-kit.ts'

const MIN_PASSWORD = 8
const MAX_NAME = 80
// Failed sign-ins allowed per 15 minutes, per email and per IP address, before a wait.
const LOGIN_FAILURES_PER_EMAIL = 5
const LOGIN_FAILURES_PER_IP = 20

export function showLogin(ctx: RequestContext): Response {
  const pr = withBrowser(ctx)
  return loginForm(pr, { email: '' })
}

export async function submitLogin(ctx: RequestContext): Promise<Response> {
  const pr = withBrowser(ctx)
  const read = await readForm(pr)
  if ('rejected' in read) return read.rejected
  const email = fieldOf(read.form, 'email')
  const rules = [
    { key: `login-email:${normalizeEmail(email)}`, max: LOGIN_FAILURES_PER_EMAIL },
    { key: `login-ip:${pr.ip}`, max: LOGIN_FAILURES_PER_IP },
  ]
  const waitMs = pr.app.throttle.attempt(rules)
  if (waitMs > 0) {
    const response = loginForm(pr, { email, error: `Too many failed sign-ins. Try again in ${minutesToWait(waitMs)}.` }, 429)
    response.headers.set('retry-after', String(Math.ceil(waitMs / 1000)))
    return response
  }
  const user = email ? findUserByEmail(pr.app.db, email) : null
  const password = typeof read.form.password === 'string' ? read.form.password : ''
  if (!(await checkPassword(user, password)) || !user) {
    return loginForm(pr, { email, error: 'Wrong email or password.' }, 401)
  }
  pr.app.throttle.succeeded(rules)
  return redirect(safeNext(nextOf(pr)), { 'set-cookie': signIn(pr.app, pr.req, user.id) })
}

export function showSignup(ctx: RequestContext): Response {
  const pr = withBrowser(ctx)
  return signupForm(pr, { email: '', workspaceName: '' })
}

export async function submitSignup(ctx: RequestContext): Promise<Response> {
  const pr = withBrowser(ctx)
  const read = await readForm(pr)
  if ('rejected' in read) return read.rejected
  const email = fieldOf(read.form, 'email')
  const workspaceName = fieldOf(read.form, 'workspace_name')
  const password = typeof read.form.password === 'string' ? read.form.password : ''
  const error = signupProblem(pr, email, password, workspaceName)
  if (error) return signupForm(pr, { email, workspaceName, error }, 400)
  const { app } = pr
  const user = createUser(app.db, email, await hashPassword(password), app.now())
  createWorkspace(app.db, user.id, { name: workspaceName }, app.now())
  return redirect(safeNext(nextOf(pr)), { 'set-cookie': signIn(app, pr.req, user.id) })
}

export async function submitLogout(ctx: RequestContext): Promise<Response> {
  const pr = withBrowser(ctx)
  const read = await readForm(pr)
  if ('rejected' in read) return read.rejected
  return redirect('/login', { 'set-cookie': signOut(pr.app, pr.req) })
}

export async function showHome(ctx: RequestContext): Promise<Response> {
  const signedIn = await signedInRequest(ctx, { posted: false })
  if (signedIn instanceof Response) return signedIn
  const { pr, user } = signedIn
  const workspaces = workspacesOfUser(pr.app.db, user.id)
  const rows = workspaces.map(
    (w) => html`<tr><td>${w.name} <small>(${w.slug})</small></td><td>$${dollars(w.balanceCents).toFixed(2)}</td>
      <td><a href="/${w.slug}/settings/billing">Billing</a> · <a href="/${w.slug}/settings/usage">Usage</a> · <a href="/${w.slug}/settings/api-keys">API keys</a></td></tr>`,
  )
  const body = html`<div class="card"><h1>Your workspaces</h1>
  <table><tr><th>Workspace</th><th>Balance</th><th></th></tr>${rows}</table>
  <p><a href="/workspaces/new">Create workspace</a> · <a href="/device">Connect a device</a></p></div>`
  return render(pr, 'Workspaces', body)
}

export async function showNewWorkspace(ctx: RequestContext): Promise<Response> {
  const signedIn = await signedInRequest(ctx, { posted: false })
  return signedIn instanceof Response ? signedIn : newWorkspaceForm(signedIn.pr, '')
}

export async function submitNewWorkspace(ctx: RequestContext): Promise<Response> {
  const signedIn = await signedInRequest(ctx, { posted: true })
  if (signedIn instanceof Response) return signedIn
  const { pr, user, form } = signedIn
  const name = fieldOf(form, 'name')
  if (!name || name.length > MAX_NAME) return newWorkspaceForm(pr, name, `Give the workspace a name (up to ${MAX_NAME} characters).`, 400)
  const workspace = createWorkspace(pr.app.db, user.id, { name }, pr.app.now())
  return redirect(`/${workspace.slug}/settings/billing`)
}

function nextOf(pr: PageRequest): string | null {
  return pr.url.searchParams.get('next')
}

function signupProblem(pr: PageRequest, email: string, password: string, workspaceName: string): string | null {
  if (!isPlausibleEmail(email)) return 'Enter a valid email address.'
  if (password.length < MIN_PASSWORD) return `Choose a password of at least ${MIN_PASSWORD} characters.`
  if (!workspaceName || workspaceName.length > MAX_NAME) return `Name your first workspace (up to ${MAX_NAME} characters).`
  if (findUserByEmail(pr.app.db, email)) return 'An account with that email already exists. Sign in instead.'
  return null
}

function withNext(path: string, pr: PageRequest): string {
  const next = nextOf(pr)
  return next ? `${path}?next=${encodeURIComponent(safeNext(next))}` : path
}

function loginForm(pr: PageRequest, values: { email: string; error?: string }, status = 200): Response {
  const body = html`<div class="card"><h1>Sign in</h1>${errorBox(values.error)}
  <form method="post" action="${withNext('/login', pr)}">${csrfField(pr.browser.csrf)}
    <label for="email">Email</label><input id="email" name="email" type="email" value="${values.email}" autocomplete="username" required autofocus>
    <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
  <p>New to Pensar? <a href="${withNext('/signup', pr)}">Create an account</a></p></div>`
  return render(pr, 'Sign in', body, status)
}

function signupForm(pr: PageRequest, values: { email: string; workspaceName: string; error?: string }, status = 200): Response {
  const body = html`<div class="card"><h1>Create an account</h1>${errorBox(values.error)}
  <form method="post" action="${withNext('/signup', pr)}">${csrfField(pr.browser.csrf)}
    <label for="email">Email</label><input id="email" name="email" type="email" value="${values.email}" autocomplete="username" required autofocus>
    <label for="password">Password (at least ${MIN_PASSWORD} characters)</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD}" required>
    <label for="workspace_name">Name of your first workspace</label><input id="workspace_name" name="workspace_name" value="${values.workspaceName}" placeholder="Acme" required>
    <button type="submit">Create account</button>
  </form>
  <p>Already have an account? <a href="${withNext('/login', pr)}">Sign in</a></p></div>`
  return render(pr, 'Create an account', body, status)
}

function newWorkspaceForm(pr: PageRequest, name: string, error?: string, status = 200): Response {
  const body = html`<div class="card"><h1>Create workspace</h1>${errorBox(error)}
  <form method="post" action="/workspaces/new">${csrfField(pr.browser.csrf)}
    <label for="name">Name</label><input id="name" name="name" value="${name}" required autofocus>
    <button type="submit">Create workspace</button>
  </form></div>`
  return render(pr, 'Create workspace', body, status)
}
