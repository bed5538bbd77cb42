// The one HTTP client: ofetch over an injected fetch. JSON and form posts, OAuth errors read from
// the body (RFC 6749 §5.2), a fresh timeout signal per attempt (ofetch's own timeout+retry reuses
// an aborted signal), our own retry loop for idempotent GETs, a redacted --debug request log, and
// every response's `Date` header handed to listeners (server clock skew). A streamed answer
// (`postStream`, Server-Sent Events) goes through the same fetch, log, errors and listeners.
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

export interface StreamOptions extends RequestOptions {
  /** The longest silence allowed between two chunks of the answer. Default 60 s. */
  idleTimeoutMs?: number
}

export interface StreamingResponse {
  status: number
  headers: Headers
  /**
   * The body as it arrives. Iterating throws an HttpError when the connection breaks or falls
   * silent for `idleTimeoutMs`, and the signal's CancelledError on Ctrl-C; stopping early (`break`)
   * closes the connection.
   */
  chunks: AsyncIterable<Uint8Array>
}

export interface Http {
  get<T>(url: string, opts?: RequestOptions): Promise<T>
  postJson<T>(url: string, body: unknown, opts?: RequestOptions): Promise<T>
  /** `application/x-www-form-urlencoded`, as OAuth endpoints expect. Not retried unless `retries` says so. */
  postForm<T>(url: string, form: Record<string, string>, opts?: RequestOptions): Promise<T>
  /**
   * POSTs a JSON body (a string is sent as it is: signed bytes) and resolves once a 2xx answer's
   * headers arrive (`timeoutMs` bounds that wait), with its body to read as it streams. A non-2xx
   * answer throws the HttpError the other methods throw. Never retried: the server may have acted.
   */
  postStream(url: string, body: unknown, opts?: StreamOptions): Promise<StreamingResponse>
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
    /** The error answer's JSON body, for fields beyond `error` (a 402's `billingUrl`). */
    readonly details: Record<string, unknown> = {},
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
const DEFAULT_IDLE_TIMEOUT_MS = 60_000

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
      throw failedRequest(method, url, error, userSignal, timeout.aborted, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS)
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

  /** Ctrl-C, else a timeout or a network failure, as the error to throw. */
  function failedRequest(method: string, url: string, error: unknown, userSignal: AbortSignal | undefined, timedOut: boolean, timeoutMs: number): PensarError {
    if (userSignal?.aborted) return cancelledFrom(userSignal)
    deps.log.debug(`← ${method} ${redactUrl(url)} failed: ${timedOut ? 'timed out' : describeCause(error)}`)
    const certificate = timedOut ? undefined : certificateProblem(error)
    if (certificate) return new HttpError(certificateMessage(originOf(url), certificate), 'certificate', method, url, undefined, undefined, undefined, undefined, error)
    return new HttpError(
      timedOut ? `${displayUrl(url)} did not answer within ${formatSeconds(timeoutMs)}.` : `Could not reach ${displayUrl(url)} (${describeCause(error)}).`,
      timedOut ? 'timeout' : 'network', method, url, undefined, undefined, undefined, undefined, error,
    )
  }

  async function postStream(url: string, body: unknown, opts: StreamOptions = {}): Promise<StreamingResponse> {
    const userSignal = signalOf(opts)
    if (userSignal?.aborted) throw cancelledFrom(userSignal)
    // One controller ends the connection whatever the reason: no headers in time, a silent
    // stream, Ctrl-C, or the reader stopping early. The timeout covers the wait for headers only.
    const connection = new AbortController()
    const unlink = linkAbort(userSignal, connection)
    let timedOut = false
    const headersTimer = setTimeout(() => ((timedOut = true), connection.abort()), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    const headers: Record<string, string> = { accept: 'text/event-stream', 'content-type': 'application/json', ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    logRequest('POST', url, body, false)
    const started = deps.clock.now()
    let response: Response
    try {
      response = await abortable(deps.fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), signal: connection.signal }), connection.signal)
    } catch (error) {
      unlink()
      throw failedRequest('POST', url, error, userSignal, timedOut, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    } finally {
      clearTimeout(headersTimer)
    }
    noteServerDate(response)
    deps.log.debug(`← ${response.status} POST ${redactUrl(url)} (${deps.clock.now() - started} ms, ${response.headers.get('content-type') ?? 'no content type'})`)
    if (!response.ok || !response.body) {
      unlink()
      const text = await response.text().catch(() => '')
      deps.log.debug(`← ${redactText(text)}`)
      if (response.ok) throw new HttpError(`${displayUrl(url)} answered without a body.`, 'malformed', 'POST', url, response.status)
      throw errorFromResponse('POST', url, response, parseJson(text))
    }
    const idleMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    return { status: response.status, headers: response.headers, chunks: streamChunks(url, response.body, connection, idleMs, userSignal, unlink) }
  }

  async function* streamChunks(url: string, body: ReadableStream<Uint8Array>, connection: AbortController, idleMs: number, userSignal: AbortSignal | undefined, unlink: () => void) {
    const reader = body.getReader()
    let received = 0
    let finished = false
    try {
      for (;;) {
        const next = await readWithin(reader, connection.signal, idleMs).catch((error: unknown) => {
          if (userSignal?.aborted) throw cancelledFrom(userSignal)
          const silent = error === IDLE
          deps.log.debug(`← stream of ${redactUrl(url)} ${silent ? `fell silent for ${idleMs} ms` : `broke: ${describeCause(error)}`} after ${received} bytes`)
          throw new HttpError(
            silent ? `${displayUrl(url)} stopped sending for ${Math.round(idleMs / 1000)} s.` : `The connection to ${displayUrl(url)} broke mid-answer (${describeCause(error)}).`,
            silent ? 'timeout' : 'network', 'POST', url, undefined, undefined, undefined, undefined, error,
          )
        })
        if (next.done) break
        received += next.value.byteLength
        yield next.value
      }
      finished = true
      deps.log.debug(`← stream of ${redactUrl(url)} ended (${received} bytes)`)
    } finally {
      unlink()
      if (!finished) {
        connection.abort()
        reader.cancel().catch(() => {})
      }
    }
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
    // A body already serialized (signed bytes) is shown as the JSON it holds, redacted the same way.
    const value = typeof body === 'string' ? (parseJson(body) ?? body) : body
    const shown = body === undefined ? '' : form ? redactForm(new URLSearchParams(body as Record<string, string>).toString()) : JSON.stringify(redactValue(value))
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
    postStream,
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
  return new HttpError(message, 'status', method, url, response.status, oauthError, description, retryAfterMs(response), undefined, body)
}

const IDLE = Symbol('idle')
type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>

/** The next chunk, unless the connection is aborted first or nothing arrives for `idleMs` (rejects with IDLE). */
function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal, idleMs: number): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const stop = (reason: unknown) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      reject(reason)
    }
    const onAbort = () => stop(signal.reason)
    const timer = setTimeout(() => stop(IDLE), idleMs)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    reader.read().then((next) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(next)
    }, stop)
  })
}

/** Settles like `work`, or rejects once `signal` aborts (a fetch that ignores its signal still stops us waiting). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Aborts `target` when `source` does, until the returned function unlinks them. */
function linkAbort(source: AbortSignal | undefined, target: AbortController): () => void {
  if (!source) return () => {}
  const forward = () => target.abort(source.reason)
  if (source.aborted) forward()
  else source.addEventListener('abort', forward, { once: true })
  return () => source.removeEventListener('abort', forward)
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

/** `3 s`, `2.5 s`; under a second in ms (`20 ms`), never a misleading `0 s`. */
function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`
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
