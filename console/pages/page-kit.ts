// Helpers every page handler uses: who the browser is, reading a CSRF-checked form, rendering.
import type { RequestContext } from '../router.ts'
import { readBody, type Body } from '../lib/http.ts'
import type { User } from '../store/users.ts'
import { checkCsrf, identifyBrowser, postedFromThisSite, type Browser } from './browser-session.ts'
import { html, page, redirect, type Html } from './html.ts'

export interface PageRequest extends RequestContext {
  browser: Browser
}

export function withBrowser(ctx: RequestContext): PageRequest {
  return { ...ctx, browser: identifyBrowser(ctx.app, ctx.req) }
}

export function render(pr: PageRequest, title: string, body: Html, status = 200): Response {
  const response = page({ title, body, status, signedInAs: pr.browser.user?.email, csrf: pr.browser.csrf })
  for (const value of pr.browser.setCookies) response.headers.append('set-cookie', value)
  return response
}

/** Reads a posted form; a post from another site, or a missing or wrong CSRF token, answers 403 instead. */
export async function readForm(pr: PageRequest): Promise<{ form: Body } | { rejected: Response }> {
  const form = await readBody(pr.req)
  if (postedFromThisSite(pr.app, pr.req) && checkCsrf(pr.browser, form.csrf)) return { form }
  const body = html`<div class="card"><h1>Form expired</h1>
    <p class="error" role="alert">This form could not be verified (missing or invalid CSRF token). Nothing was changed.</p>
    <p>Go back, reload the page and try again.</p></div>`
  return { rejected: render(pr, 'Form expired', body, 403) }
}

export function fieldOf(form: Body, name: string): string {
  const value = form[name]
  return typeof value === 'string' ? value.trim() : ''
}

/** The signed-in user, or a redirect to sign-in that comes back to this page. */
export function requireUser(pr: PageRequest): { user: User } | { redirect: Response } {
  if (pr.browser.user) return { user: pr.browser.user }
  const next = pr.req.method === 'GET' ? pr.url.pathname + pr.url.search : '/'
  return { redirect: redirect(`/login?next=${encodeURIComponent(next)}`) }
}

export type SignedIn = { pr: PageRequest; user: User; form: Body }

/**
 * A signed-in person's request, with its form read and CSRF-checked when `posted`; or the response
 * to send instead (the 403 page, or the redirect to sign-in).
 */
export async function signedInRequest(ctx: RequestContext, { posted }: { posted: boolean }): Promise<SignedIn | Response> {
  const pr = withBrowser(ctx)
  let form: Body = {}
  if (posted) {
    const read = await readForm(pr)
    if ('rejected' in read) return read.rejected
    form = read.form
  }
  const signedIn = requireUser(pr)
  if ('redirect' in signedIn) return signedIn.redirect
  return { pr, user: signedIn.user, form }
}

export function notFoundPage(pr: PageRequest): Response {
  return render(pr, 'Not found', html`<div class="card"><h1>Not found</h1><p>There is no such page, or you are not a member of that workspace.</p><p><a href="/">Back to your workspaces</a></p></div>`, 404)
}

/** A limit's answer: `Retry-After` in whole seconds (RFC 9110 §10.2.3). */
export function withRetryAfter(response: Response, waitMs: number): Response {
  response.headers.set('retry-after', String(Math.ceil(waitMs / 1000)))
  return response
}
