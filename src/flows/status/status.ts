// `pensar login status` / `pensar status` / `pensar auth status`: what this
// computer is connected with, then a short online check (GET /gateway/validate, with any token
// renewal it needs, all within one 3 s budget).
// Exit 0 when connected, 4 when not logged in, expired or rejected, or when --api-url names
// another Console than the stored session's. An unreachable Console is reported (`online.ok:
// false`, "not verified") but does not make a good session "not connected".
// Every line agrees with what was checked and where: the report never names one Console and
// checks another, and PENSAR_API_KEY shows the key's view only (no stored token's expiry).
import { apiUrlFor, type Context } from '../../context'
import { AuthError, CancelledError, causeOf, EXIT, PensarError, SilentError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import type { JsonEvent } from '../../ui/ui'
import { readCredentials, SESSION_EXPIRED_MESSAGE, SessionExpiredError, type Credentials } from '../session/credentials'
import { tokenExpiresAt } from '../session/token-expiry'
import { renderStatus } from './render'
import type { StatusOptions, StatusOutcome, StatusReport, Unverified } from './report'

export type { StatusOptions, StatusOutcome, StatusReport } from './report'

export async function status(ctx: Context, opts: StatusOptions): Promise<StatusOutcome> {
  const outcome = await answerStatus(ctx, opts)
  if (ctx.env.json) {
    ctx.ui.emit(outcome.report as unknown as JsonEvent)
    // The data is on stdout; the reason (e.g. the expiry notice) goes to stderr for people.
    if (outcome.problem) ctx.ui.error(outcome.problem.message, outcome.problem.hint)
  } else renderStatus(ctx, outcome)
  // Answered; now a renewal the deadline stopped waiting for saves the rotated refresh token
  // (flows/session/refresh.ts). main() would wait for it too, before the process exits.
  await ctx.background.settled()
  if (!outcome.report.loggedIn) throw new SilentError(EXIT.auth)
  return outcome
}

/** The `status --json` object, without printing; a renewal cut short by the deadline has finished. */
export async function checkStatus(ctx: Context, opts: StatusOptions): Promise<StatusOutcome> {
  const outcome = await answerStatus(ctx, opts)
  await ctx.background.settled()
  return outcome
}

/** The answer, as soon as there is one: it may leave a token renewal running (ctx.background). */
async function answerStatus(ctx: Context, opts: StatusOptions): Promise<StatusOutcome> {
  const sessionApiUrl = safely(() => ctx.store.readConfig())?.apiUrl
  const outcome = await checkCredentials(ctx, opts, sessionApiUrl)
  return sessionApiUrl ? { ...outcome, sessionApiUrl } : outcome
}

async function checkCredentials(ctx: Context, opts: StatusOptions, sessionApiUrl: string | undefined): Promise<StatusOutcome> {
  const report = localReport(ctx)
  let creds: Credentials
  try {
    creds = readCredentials(ctx)
  } catch (error) {
    return notConnected(report, error)
  }
  if (creds.kind === 'none') {
    return notConnected(report, creds.expired ? new SessionExpiredError() : new AuthError('Not logged in to Pensar Console.'))
  }
  const elsewhere = creds.source === 'file' ? sessionElsewhere(ctx, sessionApiUrl) : undefined
  if (elsewhere) return notConnected(report, elsewhere)
  Object.assign(report, { loggedIn: true, authType: creds.kind, source: creds.source })
  // An API key has no expiry; PENSAR_API_KEY is not the stored session, so none of its facts apply.
  if (creds.kind === 'api-key') report.expiresAt = null
  if (creds.kind === 'api-key' && creds.source === 'env') Object.assign(report, { user: null, workspace: null })
  if (opts.offline) return { report }
  // Loaded only now, so `--offline` starts without the authed client, refresh and signing code.
  const { checkOnline, onlineDeadline, resolveApiKeyWorkspace } = await import('./online-check')
  const deadline = onlineDeadline(ctx, report.apiUrl)
  const expiresBefore = report.expiresAt
  try {
    const key = creds.kind === 'api-key' && !report.workspace ? await resolveApiKeyWorkspace(ctx, report, creds.apiKey, creds.source, deadline) : undefined
    // PENSAR_API_KEY is checked where the key says, never with the stored session's gateway and workspace.
    const target = creds.source === 'env' ? { gatewayUrl: key?.gatewayUrl ?? report.apiUrl, workspaceId: report.workspace?.id } : undefined
    report.online = await checkOnline(ctx, deadline, target)
    if (creds.kind === 'workos') report.expiresAt = localReport(ctx).expiresAt // a refresh may have renewed it
    return { report, renewed: report.expiresAt !== expiresBefore }
  } catch (error) {
    if (error instanceof AuthError) return notConnected(report, error)
    if (error instanceof CancelledError) throw error // Ctrl-C: exit 130, not "offline"
    report.online = { ok: false, balance: null, billingReady: null }
    return { report, unverified: unverifiedBy(error) }
  }
}

/**
 * `--api-url` / PENSAR_API_URL naming another Console than the one the stored session was made
 * with: that Console never issued these credentials, so there is nothing there to check.
 */
function sessionElsewhere(ctx: Context, sessionApiUrl: string | undefined): AuthError | undefined {
  if (!ctx.env.apiUrlExplicit || !sessionApiUrl || sameConsole(sessionApiUrl, ctx.env.apiUrl)) return undefined
  return new AuthError(`Not logged in to ${ctx.env.apiUrl}: the stored session belongs to ${sessionApiUrl}.`, {
    code: 'other_console',
    hint: `Run \`pensar login --api-url ${ctx.env.apiUrl}\` to log in there (it replaces the stored session), or leave out --api-url and PENSAR_API_URL to use ${sessionApiUrl}.`,
  })
}

export function sameConsole(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase()
}

/** Why a logged-in session could not be confirmed, and what to do about it. */
function unverifiedBy(error: unknown): Unverified {
  const renewalFailed = error instanceof PensarError && error.code === 'refresh_failed'
  const cause = renewalFailed && error.cause instanceof Error ? error.cause : error
  const hint =
    cause instanceof HttpError && cause.hint
      ? cause.hint
      : cause instanceof PensarError && cause.code === 'timeout'
        ? 'Check your network connection, then run `pensar status` again.'
        : 'Try again in a minute.'
  return { reason: causeOf(cause), hint, renewalFailed }
}


/** What the files say, before any check. */
function localReport(ctx: Context): StatusReport {
  const config = safely(() => ctx.store.readConfig())
  const auth = safely(() => ctx.store.readAuth())
  const exp = auth && typeof auth.accessToken === 'string' ? tokenExpiresAt({ accessToken: auth.accessToken, expiresAt: typeof auth.expiresAt === 'number' ? auth.expiresAt : undefined }) : undefined
  const hasStored = Boolean(auth && (auth.accessToken || auth.refreshToken || auth.apiKey))
  return {
    loggedIn: false,
    authType: null,
    user: config?.user ?? null,
    workspace: config?.workspace ?? null,
    apiUrl: apiUrlFor(ctx),
    credentialStore: hasStored ? ctx.store.paths.auth : null,
    expiresAt: exp === undefined ? null : new Date(exp).toISOString(),
    online: null,
    source: null,
  }
}

function notConnected(report: StatusReport, error: unknown): StatusOutcome {
  Object.assign(report, { loggedIn: false, online: null })
  if (error instanceof SessionExpiredError) return { report, problem: { code: 'session_expired', message: SESSION_EXPIRED_MESSAGE } }
  if (error instanceof PensarError) return { report, problem: { code: error.code, message: error.message, hint: error.hint } }
  throw error
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}
