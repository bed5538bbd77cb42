// A fake `fetch` for flow tests: stubs matched by method and path, consumed in order, every
// request recorded. `verify()` fails the test when a stub went unused or a request matched none
// (gh's httpmock `reg.Verify(t)`).
import type { FetchFn } from '../../src/lib/http'

export interface RecordedRequest {
  method: string
  url: string
  path: string
  headers: Headers
  body: string
  /** The body as a form, when it was one. */
  form?: Record<string, string>
  json?: unknown
}

export type Responder = Response | ((req: RecordedRequest) => Response | Promise<Response>)

interface Stub {
  method: string
  path: string
  respond: Responder
  remaining: number
}

export class FakeFetch {
  readonly requests: RecordedRequest[] = []
  private readonly stubs: Stub[] = []
  private readonly unmatched: string[] = []

  /** `path` is a pathname (`/api/cli/config`) or a full URL. `times: Infinity` for "every time". */
  on(method: string, path: string, respond: Responder, times = 1): this {
    this.stubs.push({ method: method.toUpperCase(), path, respond, remaining: times })
    return this
  }

  readonly fetch: FetchFn = async (input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init as RequestInit)
    const url = new URL(request.url)
    const body = request.body ? await request.text() : ''
    const contentType = request.headers.get('content-type') ?? ''
    const recorded: RecordedRequest = {
      method: request.method,
      url: request.url,
      path: url.pathname,
      headers: request.headers,
      body,
      form: contentType.includes('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : undefined,
      json: contentType.includes('json') && body ? JSON.parse(body) : undefined,
    }
    this.requests.push(recorded)
    if (init?.signal?.aborted) throw init.signal.reason
    const stub = this.stubs.find((s) => s.remaining > 0 && s.method === request.method && (s.path === url.pathname || s.path === request.url))
    if (!stub) {
      this.unmatched.push(`${request.method} ${request.url}`)
      throw new Error(`FakeFetch: no stub for ${request.method} ${request.url}`)
    }
    stub.remaining--
    const response = typeof stub.respond === 'function' ? stub.respond(recorded) : stub.respond.clone()
    return abortable(Promise.resolve(response), init?.signal ?? undefined)
  }

  /** Requests to `path` (pathname), optionally of one method. */
  calls(path: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path && (!method || r.method === method.toUpperCase()))
  }

  verify(): void {
    const unused = this.stubs.filter((s) => s.remaining > 0 && Number.isFinite(s.remaining)).map((s) => `${s.method} ${s.path} (${s.remaining} left)`)
    const problems = [...unused.map((u) => `unused stub: ${u}`), ...this.unmatched.map((u) => `unexpected request: ${u}`)]
    if (problems.length) throw new Error(`FakeFetch.verify:\n  ${problems.join('\n  ')}`)
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

export function oauthError(error: string, status = 400, description?: string): Response {
  return json({ error, ...(description ? { error_description: description } : {}) }, status)
}

/** A responder that fails like a dropped connection. */
export function networkError(message = 'socket hang up'): Responder {
  return () => {
    throw new TypeError(message)
  }
}

/** A responder that fails as Bun's fetch does on a certificate it cannot verify: `code` is OpenSSL's. */
export function certificateError(code = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message = 'unable to verify the first certificate'): Responder {
  return () => {
    throw Object.assign(new TypeError(message), { code })
  }
}

/** Like a real fetch, give up when the request's signal aborts (a timeout or Ctrl-C). */
function abortable(response: Promise<Response>, signal?: AbortSignal): Promise<Response> {
  if (!signal) return response
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    response.then(resolve, reject)
  })
}
