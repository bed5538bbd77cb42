// The browser side: the `pc_session` cookie, the signed-in user, and CSRF tokens.
// A CSRF token is an HMAC of the cookie that identifies the browser (the session, or before sign-in
// a random `pc_csrf` cookie), so a form from another site can't carry a valid one.
import { createHmac } from 'node:crypto'
import type { App } from '../app.ts'
import { randomToken, safeEqual, sha256Hex } from '../lib/ids.ts'
import { findUserById, type User } from '../store/users.ts'

export const SESSION_COOKIE = 'pc_session'
const CSRF_COOKIE = 'pc_csrf'
const BROWSER_SESSION_SECONDS = 7 * 24 * 3600

export interface Browser {
  user: User | null
  /** The CSRF token forms on this response must carry. */
  csrf: string
  /** Set-Cookie headers this response must send. */
  setCookies: string[]
}

export function readCookies(req: Request): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (req.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  return cookies
}

export function identifyBrowser(app: App, req: Request): Browser {
  const cookies = readCookies(req)
  const sessionToken = cookies.get(SESSION_COOKIE)
  const user = sessionToken ? userOfBrowserSession(app, sessionToken) : null
  if (user && sessionToken) return { user, csrf: csrfFor(app, sessionToken), setCookies: [] }
  const existing = cookies.get(CSRF_COOKIE)
  if (existing) return { user: null, csrf: csrfFor(app, existing), setCookies: [] }
  const fresh = randomToken('', 24)
  return { user: null, csrf: csrfFor(app, fresh), setCookies: [cookie(app, req, CSRF_COOKIE, fresh)] }
}

/**
 * True when the posted `csrf` field is this browser's token: bound to its live session once signed
 * in (a planted `pc_csrf` cookie then proves nothing), else to its `pc_csrf` cookie.
 */
export function checkCsrf(browser: Browser, posted: unknown): boolean {
  return typeof posted === 'string' && safeEqual(browser.csrf, posted)
}

/** A fresh session token (never one the browser brought: no fixation); the browser's old session ends. */
export function signIn(app: App, req: Request, userId: string): string[] {
  endBrowserSession(app, req)
  const token = randomToken('', 32)
  app.db.query('INSERT INTO browser_sessions (id_hash, user_id, created_at) VALUES (?, ?, ?)').run(sha256Hex(token), userId, app.now())
  // The cookie ends when the session does, rather than living on in the browser as a dead token.
  return [`${cookie(app, req, SESSION_COOKIE, token)}; Max-Age=${BROWSER_SESSION_SECONDS}`]
}

export function signOut(app: App, req: Request): string[] {
  endBrowserSession(app, req)
  return [`${cookie(app, req, SESSION_COOKIE, '')}; Max-Age=0`]
}

function endBrowserSession(app: App, req: Request) {
  const token = readCookies(req).get(SESSION_COOKIE)
  if (token) app.db.query('DELETE FROM browser_sessions WHERE id_hash = ?').run(sha256Hex(token))
}

function userOfBrowserSession(app: App, token: string): User | null {
  const row = app.db
    .query<{ user_id: string; created_at: number }, [string]>('SELECT user_id, created_at FROM browser_sessions WHERE id_hash = ?')
    .get(sha256Hex(token))
  if (!row || row.created_at + BROWSER_SESSION_SECONDS * 1000 < app.now()) return null
  return findUserById(app.db, row.user_id)
}

function csrfFor(app: App, binding: string): string {
  return createHmac('sha256', app.csrfSecret).update(`csrf:${binding}`).digest('base64url')
}

// Secure when the browser reached us over https (directly, or through a trusted proxy that says so).
function cookie(app: App, req: Request, name: string, value: string): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax${reachedOverHttps(app, req) ? '; Secure' : ''}`
}

function reachedOverHttps(app: App, req: Request): boolean {
  return new URL(req.url).protocol === 'https:' || app.options.publicUrl?.startsWith('https:') === true ||
    forwarded(app, req, 'x-forwarded-proto')?.toLowerCase() === 'https'
}

// X-Forwarded-* say what the browser saw only when a proxy of ours wrote them (--trust-proxy);
// otherwise anyone can send them.
function forwarded(app: App, req: Request, name: string): string | undefined {
  if (!app.options.trustProxy) return undefined
  return req.headers.get(name)?.split(',')[0]?.trim() || undefined
}

/**
 * Whether a form post comes from this site's own pages. Another site's form is refused even with a
 * valid CSRF token: before sign-in the token is bound to the `pc_csrf` cookie, which a page on
 * another port of this host can plant (cookies ignore ports), and a sign-in posted that way would
 * sign the person in to someone else's account (login CSRF), where approving a device code would
 * connect their CLI to that account's workspace. Browsers say where a post comes from in `Origin`
 * and `Sec-Fetch-Site`; a client that sends neither (curl) is judged by its CSRF token alone.
 */
export function postedFromThisSite(app: App, req: Request): boolean {
  const site = req.headers.get('sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') return false
  const origin = req.headers.get('origin')
  if (origin === null) return true
  const url = new URL(req.url)
  if (app.options.publicUrl && origin === new URL(app.options.publicUrl).origin) return true
  const host = forwarded(app, req, 'x-forwarded-host') ?? url.host
  return origin === `${reachedOverHttps(app, req) ? 'https:' : url.protocol}//${host}`
}

/**
 * Only a path on this site may be a `next` target (no open redirects): `/…` but not `//host` or
 * `/\host`, and only visible ASCII, since browsers drop tabs and newlines (`/<TAB>/host` is `//host`).
 */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/'
}
