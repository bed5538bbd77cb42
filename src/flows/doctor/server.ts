// `pensar doctor`, against the Console: is the API reachable (GET /api/cli/config, 3 s) and which
// login flow it leads to, how far this computer's clock is from the server's `Date`, and what
// the stored session looks like by the server's clock.
import type { Context } from '../../context'
import { PensarError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import { unsafeUrlReason } from '../../lib/safe-url'
import { measureSkew, type ServerClock } from '../../lib/server-clock'
import { formatDuration } from '../../ui/ui'
import { fail, ok, warn, type CheckResult } from './check'
import { proxyFor } from './proxy'
import { readCredentials, type Credentials } from '../session/credentials'
import { tokenExpiresAt } from '../session/token-expiry'

export const API_BUDGET_MS = 3_000
export const SKEW_WARN_MS = 30_000
export const SKEW_FAIL_MS = 5 * 60_000

export interface ApiProbe {
  result: CheckResult
  /** Server time minus local time, when the answer carried a `Date` header. */
  skewMs?: number
  answered: boolean
}

export async function checkApi(ctx: Context, apiUrl: string, budgetMs = API_BUDGET_MS): Promise<ApiProbe> {
  let skewMs: number | undefined
  const stopListening = ctx.http.onServerDate((serverMs, localMs) => (skewMs = measureSkew(serverMs, localMs) ?? skewMs))
  const started = ctx.clock.now()
  try {
    const body = await ctx.http.get<unknown>(`${apiUrl}/api/cli/config`, { timeoutMs: budgetMs, retries: 0 })
    return { result: describeFlow(apiUrl, body, ctx.clock.now() - started), skewMs, answered: true }
  } catch (error) {
    if (!(error instanceof HttpError)) throw error
    const result = error.status === 404 || error.kind === 'malformed' ? legacy(apiUrl, ctx.clock.now() - started) : unreachable(ctx, apiUrl, error, budgetMs)
    return { result, skewMs, answered: error.kind === 'status' || error.kind === 'malformed' }
  } finally {
    stopListening()
  }
}

function describeFlow(apiUrl: string, body: unknown, elapsedMs: number): CheckResult {
  const config = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
  if (!config) return legacy(apiUrl, elapsedMs)
  const text = (key: string) => (typeof config[key] === 'string' && config[key] ? (config[key] as string) : undefined)
  const clientId = text('clientId') ?? text('workosClientId')
  if (!clientId) return fail('api', `${apiUrl}/api/cli/config answered but names no client id, so no login can start.`, 'Check --api-url / PENSAR_API_URL: it must be the Pensar Console API.')
  const issuer = text('issuer')
  if (issuer && unsafeUrlReason(issuer)) return fail('api', `${apiUrl} names an unsafe issuer (${issuer}): ${unsafeUrlReason(issuer)}.`, 'The Console is misconfigured; tell its administrator.')
  const flow = issuer ? `the issuer's OpenID discovery (${issuer})` : 'WorkOS device authorization'
  return reachable(apiUrl, elapsedMs, `login uses ${flow}`)
}

function legacy(apiUrl: string, elapsedMs: number): CheckResult {
  return reachable(apiUrl, elapsedMs, 'it has no CLI config, so login uses the legacy device flow (an API key)')
}

function reachable(apiUrl: string, elapsedMs: number, flow: string): CheckResult {
  const message = `${apiUrl} answered in ${elapsedMs} ms; ${flow}.`
  const unsafe = unsafeUrlReason(apiUrl)
  return unsafe ? warn('api', `${message} But ${unsafe}: the login would travel unencrypted.`, 'Use an https:// address unless this is a test setup.') : ok('api', message)
}

function unreachable(ctx: Context, apiUrl: string, error: HttpError, budgetMs: number): CheckResult {
  if (error.kind === 'timeout') return fail('api', `${apiUrl} did not answer within ${budgetMs / 1000} s.`, networkHint(ctx, apiUrl))
  if (error.kind === 'status') return fail('api', `${apiUrl}/api/cli/config answered ${error.status}.`, error.status! >= 500 ? 'The Console is having trouble; try again in a minute.' : 'Check --api-url / PENSAR_API_URL.')
  // A certificate it cannot verify: the message and hint say which and what to do (lib/tls-errors.ts).
  if (error.kind === 'certificate') return fail('api', error.message, error.hint)
  return fail('api', error.message, networkHint(ctx, apiUrl))
}

function networkHint(ctx: Context, apiUrl: string): string {
  const proxy = proxyFor(apiUrl, ctx.env.vars)
  if (proxy.variable && !proxy.bypassed) return `Requests go through ${proxy.variable}=${proxy.shown}: check that proxy, or list the host in NO_PROXY.`
  return 'Check the address (--api-url / PENSAR_API_URL) and your network connection.'
}

export function checkClock(api: ApiProbe): CheckResult {
  if (!api.answered) return warn('clock', 'Not checked: the API did not answer.')
  if (api.skewMs === undefined) return warn('clock', "Not checked: the server's answer had no Date header.")
  const off = Math.abs(api.skewMs)
  if (off < SKEW_WARN_MS) return ok('clock', off === 0 ? "This computer's clock agrees with the server's." : `This computer's clock is ${formatDuration(off)} off the server's (fine).`)
  const message = `This computer's clock is ${formatDuration(off)} ${api.skewMs > 0 ? 'behind' : 'ahead of'} the server's. pensar corrects for it using the server's clock`
  const hint = 'Set the clock right: enable time sync (`sudo timedatectl set-ntp true`; on WSL `sudo hwclock -s`; on macOS System Settings > Date & Time).'
  if (off <= SKEW_FAIL_MS) return warn('clock', `${message}.`, hint)
  return fail('clock', `${message}, but the browser sign-in and certificate checks use the local clock.`, hint)
}

export async function checkSession(ctx: Context, serverClock: ServerClock): Promise<CheckResult> {
  let creds: Credentials
  try {
    creds = await readCredentials(ctx)
  } catch (error) {
    if (error instanceof PensarError) return fail('session', error.message, error.hint)
    throw error
  }
  if (creds.kind === 'none') return creds.expired ? warn('session', 'The last session was ended by the Console.', 'Run `pensar login` to reconnect.') : ok('session', 'Not logged in; nothing stored.')
  if (creds.kind === 'api-key') return ok('session', creds.source === 'env' ? 'PENSAR_API_KEY is set and wins over anything stored; API keys do not expire.' : 'Logged in with a stored API key; API keys do not expire.')
  const exp = tokenExpiresAt(creds)
  const now = serverClock.now()
  const when = exp === undefined ? 'has no known expiry' : exp > now ? `is valid for ${formatDuration(exp - now)} by the server's clock` : `expired ${formatDuration(now - exp)} ago by the server's clock`
  const expired = exp !== undefined && exp <= now
  if (!creds.refreshToken) {
    const message = `The access token ${when}, and there is no refresh token to renew it.`
    return expired || !creds.accessToken ? fail('session', message, 'Run `pensar login`.') : warn('session', message, 'Run `pensar login` before it expires.')
  }
  if (!creds.accessToken) return ok('session', 'No access token stored; the refresh token gets one on the next command.')
  return ok('session', `The access token ${when}; a refresh token is stored${expired ? ' and renews it on the next command' : ''}.`)
}
