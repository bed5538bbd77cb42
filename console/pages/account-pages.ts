// Sign in, sign up (with a first workspace), sign out, the workspace list and new workspaces.
import { checkPassword, createUserUnlessTaken, emailProblem, findUserByEmail, hashPassword, normalizeEmail, type User } from '../store/users.ts'
import { addressKey } from '../lib/addresses.ts'
import { MAX_NAME_LENGTH, nameProblem } from '../lib/text-rules.ts'
import { minutesToWait } from '../throttle.ts'
import { createWorkspace, dollars, workspacesOfUser } from '../store/workspaces.ts'
import type { RequestContext } from '../router.ts'
import { safeNext, signIn, signOut } from './browser-session.ts'
import { csrfField, errorBox, html, redirect } from './html.ts'
import { fieldOf, readForm, render, signedInRequest, withBrowser, withRetryAfter, type PageRequest } from './page-kit.ts'

const MIN_PASSWORD = 8
// Failed sign-ins allowed per email per 15 minutes, before that email waits. Not counted per
// address: everyone behind a shared one (an office, a VPN) would be locked out by one guesser.
const LOGIN_FAILURES_PER_EMAIL = 5

export function showLogin(ctx: RequestContext): Response {
  const pr = withBrowser(ctx)
  return loginForm(pr, { email: '' })
}

export async function submitLogin(ctx: RequestContext): Promise<Response> {
  const pr = withBrowser(ctx)
  const read = await readForm(pr)
  if ('rejected' in read) return read.rejected
  const email = fieldOf(read.form, 'email')
  const rules = [{ key: `login-email:${normalizeEmail(email)}`, max: LOGIN_FAILURES_PER_EMAIL }]
  const waitMs = pr.app.throttle.attempt(rules)
  if (waitMs > 0) return withRetryAfter(loginForm(pr, { email, error: `Too many failed sign-ins. Try again in ${minutesToWait(waitMs)}.` }, 429), waitMs)
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
  const error = signupProblem(email, password, workspaceName)
  if (error) return signupForm(pr, { email, workspaceName, error }, 400)
  const outcome = createAccount(pr, email, await hashPassword(password), workspaceName)
  if ('waitMs' in outcome) {
    const error = `Too many accounts were created from your network. Try again in ${minutesToWait(outcome.waitMs)}.`
    return withRetryAfter(signupForm(pr, { email, workspaceName, error }, 429), outcome.waitMs)
  }
  if ('taken' in outcome) return signupForm(pr, { email, workspaceName, error: 'An account with that email already exists. Sign in instead.' }, 400)
  return redirect(safeNext(nextOf(pr)), { 'set-cookie': signIn(pr.app, pr.req, outcome.user.id) })
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
  const problem = nameProblem('The workspace name', name)
  if (problem) return newWorkspaceForm(pr, name, problem, 400)
  const workspace = createWorkspace(pr.app.db, user.id, { name }, pr.app.now())
  return redirect(`/${workspace.slug}/settings/billing`)
}

function nextOf(pr: PageRequest): string | null {
  return pr.url.searchParams.get('next')
}

/**
 * The account and its first workspace, in one synchronous transaction: sign-ups racing with one
 * email (each awaited its password hash) make one account, and only accounts made count against
 * the address's budget.
 */
function createAccount(pr: PageRequest, email: string, passwordHash: string, workspaceName: string): { user: User } | { taken: true } | { waitMs: number } {
  const { app } = pr
  return app.db.transaction(() => {
    if (findUserByEmail(app.db, email)) return { taken: true as const }
    const waitMs = app.throttle.attempt([{ key: `signup:${addressKey(pr.ip)}`, max: app.options.signupLimit }])
    if (waitMs > 0) return { waitMs }
    const user = createUserUnlessTaken(app.db, email, passwordHash, app.now())
    if (!user) return { taken: true as const }
    createWorkspace(app.db, user.id, { name: workspaceName }, app.now())
    return { user }
  })()
}

function signupProblem(email: string, password: string, workspaceName: string): string | null {
  const emailError = emailProblem(email)
  if (emailError) return emailError
  if (password.length < MIN_PASSWORD) return `Choose a password of at least ${MIN_PASSWORD} characters.`
  return nameProblem('The name of your first workspace', workspaceName)
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
    <label for="workspace_name">Name of your first workspace</label><input id="workspace_name" name="workspace_name" value="${values.workspaceName}" placeholder="Acme" maxlength="${MAX_NAME_LENGTH}" required>
    <button type="submit">Create account</button>
  </form>
  <p>Already have an account? <a href="${withNext('/login', pr)}">Sign in</a></p></div>`
  return render(pr, 'Create an account', body, status)
}

function newWorkspaceForm(pr: PageRequest, name: string, error?: string, status = 200): Response {
  const body = html`<div class="card"><h1>Create workspace</h1>${errorBox(error)}
  <form method="post" action="/workspaces/new">${csrfField(pr.browser.csrf)}
    <label for="name">Name</label><input id="name" name="name" value="${name}" maxlength="${MAX_NAME_LENGTH}" required autofocus>
    <button type="submit">Create workspace</button>
  </form></div>`
  return render(pr, 'Create workspace', body, status)
}
