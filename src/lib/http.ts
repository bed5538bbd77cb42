// The one HTTP client: ofetch over an injected fetch. JSON and form posts, OAuth errors read from
// the body (RFC 6749 §5.2), a fresh timeout signal per attempt (ofetch's own timeout+retry reuses
// an aborted signal), our own retry loop for idempotent GETs, a redacted --debug request log, and
// every response's `Date` header handed to listeners (server clock skew).
import type { $Fetch } from 'ofetch'
import type { Clock } from './clock'
import { cancelledFrom, clause, PensarError } from './errors'
import type { Log } from './log'
import { redactForm, redactUrl, redactValue } from './redact'
import { certificateHint, certificateMessage, certificateProblem } from './tls-errors'

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface RequestOptions {
  /** Sent as `Authorization: Bearer …`. */
  token?: string
  headers?: Record<string, string>
  /** Per attempt. Default 15 s. */
  timeoutMs?: number
  /** Extra attempts after a network error, 408, 425, 429 or 5xx. Default: 1 for GET, 0 for POST. */
  retries?: number
  signal?: AbortSignal
}

export interface Http {
  get<T>(url: string, opts?: RequestOptions): Promise<T>
  postJson<T>(url: string, body: unknown, opts?: RequestOptions): Promise<T>
  /** `application/x-www-form-urlencoded`, as OAuth endpoints expect. Not retried unless `retries` says so. */
  postForm<T>(url: string, form: Record<string, string>, opts?: RequestOptions): Promise<T>
  /** Called with (server time, local time) in ms for every response that has a `Date` header. */
  onServerDate(listener: ServerDateListener): () => void
}

export type ServerDateListener = (serverMs: number, localMs: number) => void

/** `certificate`: the server's TLS certificate could not be verified (lib/tls-errors.ts). */
export type HttpErrorKind = 'network' | 'timeout' | 'certificate' | 'status' | 'malformed'

/** Any failed request. `oauthError` is the body's `error` field (`authorization_pending`, …). */
export class HttpError extends PensarError {
  constructor(
    message: string,
    readonly kind: HttpErrorKind,
    readonly method: string,
    readonly url: string,
    readonly status?: number,
    readonly oauthError?: string,
    readonly description?: string,
    /** From `Retry-After`, in ms. */
    readonly retryAfterMs?: number,
    cause?: unknown,
  ) {
    super(message, { code: oauthError ?? (kind === 'status' ? `http_${status}` : kind), hint: hintFor(kind, status, cause, retryAfterMs), cause })
  }

  /** Worth trying again later: the network, a timeout, 408/425/429, a 5xx, or a garbled answer (not a certificate: waiting does not fix it). */
  get transient(): boolean {
    if (this.kind === 'certificate') return false
    if (this.kind !== 'status') return true
    const s = this.status ?? 0
    return s === 408 || s === 425 || s === 429 || s >= 500
  }
}

const DEFAULT_TIMEOUT_MS = 15_000

/** The longest `Retry-After` a retry waits out without a word; a longer one ends the request. */
export const SILENT_WAIT_MAX_MS = 5_000

export function createHttp(deps: { fetch: FetchFn; clock: Clock; log: Log; signal?: AbortSignal }): Http {
  // Loaded on the first request: `--version`, `--help` and `status --offline` never need it.
  let $fetch: Promise<$Fetch> | undefined
  const loadFetch = () => ($fetch ??= import('ofetch').then(({ createFetch }) => createFetch({ fetch: deps.fetch as typeof globalThis.fetch })))
  const listeners = new Set<ServerDateListener>()

  async function request<T>(method: string, url: string, body: unknown, form: boolean, opts: RequestOptions = {}): Promise<T> {
    const retries = opts.retries ?? (method === 'GET' ? 1 : 0)
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptOnce<T>(method, url, body, form, opts)
      } catch (error) {
        if (!(error instanceof HttpError) || !error.transient || attempt >= retries) throw error
        // A wait the person would notice is never slept through in silence: the error says how long.
        if ((error.retryAfterMs ?? 0) > SILENT_WAIT_MAX_MS) throw error
        const waitMs = error.retryAfterMs ?? 500 * 2 ** attempt
        deps.log.debug(`retrying ${method} ${redactUrl(url)} in ${waitMs} ms`)
        await deps.clock.sleep(waitMs, signalOf(opts))
      }
    }
  }

  async function attemptOnce<T>(method: string, url: string, body: unknown, form: boolean, opts: RequestOptions): Promise<T> {
    const userSignal = signalOf(opts)
    if (userSignal?.aborted) throw cancelledFrom(userSignal)
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    const signal = userSignal ? AbortSignal.any([userSignal, timeout]) : timeout
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    const payload = form ? new URLSearchParams(body as Record<string, string>) : (body as Record<string, unknown> | undefined)
    logRequest(method, url, body, form)
    const started = deps.clock.now()
    let response: Response
    let text: string
    try {
      response = await (await loadFetch()).raw(url, { method, headers, body: payload, signal, retry: 0, ignoreResponseError: true, responseType: 'text' })
      text = (response as { _data?: string })._data ?? ''
    } catch (error) {
      if (userSignal?.aborted) throw cancelledFrom(userSignal)
      const timedOut = timeout.aborted
      deps.log.debug(`← ${method} ${redactUrl(url)} failed: ${timedOut ? 'timed out' : describeCause(error)}`)
      const certificate = timedOut ? undefined : certificateProblem(error)
      if (certificate) throw new HttpError(certificateMessage(originOf(url), certificate), 'certificate', method, url, undefined, undefined, undefined, undefined, error)
      throw new HttpError(
        timedOut ? `${displayUrl(url)} did not answer within ${formatSeconds(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS)}.` : `Could not reach ${displayUrl(url)} (${describeCause(error)}).`,
        timedOut ? 'timeout' : 'network', method, url, undefined, undefined, undefined, undefined, error,
      )
    }
    noteServerDate(response)
    deps.log.debug(`← ${response.status} ${method} ${redactUrl(url)} (${deps.clock.now() - started} ms) ${redactText(text)}`)
    const parsed = parseJson(text)
    if (response.ok) {
      if (parsed === undefined) {
        throw new HttpError(`${displayUrl(url)} answered with something that is not JSON.`, 'malformed', method, url, response.status)
      }
      return parsed as T
    }
    throw errorFromResponse(method, url, response, parsed)
  }

  function noteServerDate(response: Response) {
    const date = response.headers.get('date')
    const serverMs = date ? Date.parse(date) : Number.NaN
    if (Number.isNaN(serverMs)) return
    const localMs = deps.clock.now()
    for (const listener of listeners) listener(serverMs, localMs)
  }

  function logRequest(method: string, url: string, body: unknown, form: boolean) {
    if (!deps.log.enabled) return
    const shown = body === undefined ? '' : form ? redactForm(new URLSearchParams(body as Record<string, string>).toString()) : JSON.stringify(redactValue(body))
    deps.log.debug(`→ ${method} ${redactUrl(url)} ${shown}`.trimEnd())
  }

  function redactText(text: string): string {
    const parsed = parseJson(text)
    return parsed === undefined ? `(${text.length} bytes, not JSON)` : JSON.stringify(redactValue(parsed))
  }

  const signalOf = (opts: RequestOptions) => opts.signal ?? deps.signal

  return {
    get: (url, opts) => request('GET', url, undefined, false, opts),
    postJson: (url, body, opts) => request('POST', url, body, false, opts),
    postForm: (url, form, opts) => request('POST', url, form, true, opts),
    onServerDate(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function errorFromResponse(method: string, url: string, response: Response, parsed: unknown): HttpError {
  const body = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
  const oauthError = typeof body.error === 'string' ? body.error : undefined
  const description = typeof body.error_description === 'string' ? body.error_description : undefined
  // The server's description is quoted once, its own full stop dropped (docs/message-style.md).
  const detail = [oauthError, description && clause(description)].filter(Boolean).join(': ')
  const message = `${displayUrl(url)} answered ${response.status}${detail ? ` (${detail})` : ''}.`
  return new HttpError(message, 'status', method, url, response.status, oauthError, description, retryAfterMs(response))
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in ms; capped at a day. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after')?.trim()
  if (!value) return undefined
  const seconds = Number(value)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now()
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 86_400_000) : undefined
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}

/**
 * Why a request got no answer, in our words: the runtime's message is written for programmers
 * ("pass `verbose: true` in the second argument to fetch()", "Is the computer able to access the
 * url?"), so known codes get a plain phrase, and an unknown one loses such advice.
 */
export function describeCause(error: unknown): string {
  let e: unknown = error
  while (e instanceof Error && e.cause instanceof Error) e = e.cause
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : ''
  const known = NETWORK_CAUSES[code]
  if (known) return known
  const message = clause((e instanceof Error ? e.message : String(e)).replace(RUNTIME_ADVICE, '').replace(/^[A-Z_]+:\s*/, ''))
  if (!message) return code || 'no answer'
  return code && !message.includes(code) ? `${code}: ${message}` : message
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ConnectionRefused: 'connection refused',
  ECONNRESET: 'the connection was closed before an answer came',
  ConnectionClosed: 'the connection was closed before an answer came',
  EPIPE: 'the connection was closed before an answer came',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the name server did not answer',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  FailedToOpenSocket: 'could not open a connection',
}

const RUNTIME_ADVICE = /\s*(?:For more information, pass `verbose: true`[^.]*\.?|Is the computer able to access the url\?|Unable to connect\.)/g

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return redactUrl(url)
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return redactUrl(url)
  }
}

function hintFor(kind: HttpErrorKind, status?: number, cause?: unknown, retryAfter?: number): string | undefined {
  const certificate = kind === 'certificate' ? certificateProblem(cause) : undefined
  if (certificate) return certificateHint(certificate)
  if (kind === 'network' || kind === 'timeout') return 'Check your network connection and proxy settings, or the address given with --api-url / PENSAR_API_URL.'
  if (kind === 'malformed') return 'Check that --api-url / PENSAR_API_URL points at a Pensar Console.'
  if (status !== undefined && status >= 500) return 'Pensar Console had a problem. Try again in a minute.'
  if (status === 429) return `Pensar Console is limiting requests from this address; try again ${waitText(retryAfter)}.`
  return undefined
}

/** `in 15 minutes`, `in 40 seconds`, or `later` when the server did not say. */
export function waitText(ms: number | undefined): string {
  if (ms === undefined) return 'later'
  if (ms < 90_000) return `in ${Math.max(1, Math.ceil(ms / 1000))} seconds`
  const minutes = Math.ceil(ms / 60_000)
  return `in ${minutes} minutes`
}
