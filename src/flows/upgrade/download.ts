// One file of a release, fetched whole into memory: a release's files are small enough (the
// largest archive is about 53 MB) and nothing touches the disk before its checksum is known.
// A connection that goes quiet for IDLE_MS fails, as does one that ends short of its
// Content-Length; Ctrl-C (ctx.signal) stops it at once.
import type { Context } from '../../context'
import { cancelledFrom, PensarError } from '../../lib/errors'
import type { FetchFn } from '../../lib/http'

const CONNECT_MS = 30_000
const IDLE_MS = 30_000

export interface DownloadOptions {
  /** Refused beyond this: a hostile or broken server cannot fill the memory. */
  maxBytes: number
  /** Called as bytes arrive, with the Content-Length when the server sent one. */
  onProgress?(received: number, total: number | undefined): void
}

export class DownloadError extends PensarError {}

export async function downloadFile(ctx: Context, fetch: FetchFn, url: string, opts: DownloadOptions): Promise<Uint8Array<ArrayBuffer>> {
  const request = new AbortController()
  const stop = AbortSignal.any([ctx.signal, request.signal])
  ctx.log.debug(`→ GET ${url}`)
  try {
    const response = await within(fetch(url, { signal: stop, redirect: 'follow' }), ctx, CONNECT_MS, url)
    ctx.log.debug(`← ${response.status} GET ${url} (${response.headers.get('content-length') ?? '?'} bytes)`)
    if (!response.ok) throw statusError(url, response.status)
    const total = contentLength(response)
    if (total !== undefined && total > opts.maxBytes) throw tooLarge(url, opts.maxBytes)
    return await readBody(ctx, response, url, total, opts)
  } catch (error) {
    if (ctx.signal.aborted) throw cancelledFrom(ctx.signal)
    if (error instanceof PensarError) throw error
    throw new DownloadError(`Could not download ${url} (${describe(error)}).`, {
      code: 'network',
      cause: error,
      hint: 'Check your network and proxy settings (HTTPS_PROXY), or PENSAR_INSTALL_BASE if you use a mirror.',
    })
  } finally {
    request.abort()
  }
}

async function readBody(ctx: Context, response: Response, url: string, total: number | undefined, opts: DownloadOptions): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  try {
    for (;;) {
      let part: Awaited<ReturnType<typeof reader.read>>
      try {
        part = await within(reader.read(), ctx, IDLE_MS, url)
      } catch (error) {
        if (error instanceof PensarError || ctx.signal.aborted) throw error
        throw cutShort(url, received, total, error)
      }
      if (part.done) break
      chunks.push(part.value)
      received += part.value.length
      if (received > opts.maxBytes) throw tooLarge(url, opts.maxBytes)
      opts.onProgress?.(received, total)
    }
  } finally {
    reader.cancel().catch(() => {})
  }
  if (total !== undefined && received !== total) throw cutShort(url, received, total)
  return concat(chunks, received)
}

function concat(chunks: Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/** `promise`, unless Ctrl-C comes first or `ms` pass on the Context's clock. */
function within<T>(promise: Promise<T>, ctx: Context, ms: number, url: string): Promise<T> {
  const deadline = ctx.clock.timeout(ms)
  const stop = AbortSignal.any([ctx.signal, deadline])
  return new Promise<T>((resolve, reject) => {
    const onStop = () =>
      reject(
        ctx.signal.aborted
          ? cancelledFrom(ctx.signal)
          : new DownloadError(`${url} sent nothing for ${ms / 1000} s.`, { code: 'timeout', hint: 'Check your network, then run `pensar upgrade` again.' }),
      )
    if (stop.aborted) return onStop()
    stop.addEventListener('abort', onStop, { once: true })
    promise.then(resolve, reject).finally(() => stop.removeEventListener('abort', onStop))
  })
}

function contentLength(response: Response): number | undefined {
  const value = Number(response.headers.get('content-length') ?? Number.NaN)
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

function statusError(url: string, status: number): DownloadError {
  return new DownloadError(status === 404 ? `${url} does not exist (HTTP 404).` : `${url} answered HTTP ${status}.`, {
    code: status === 404 ? 'not_found' : `http_${status}`,
    hint: status === 404 ? 'Check the version, and PENSAR_INSTALL_BASE if you use a mirror.' : 'Try again in a minute.',
  })
}

function cutShort(url: string, received: number, total: number | undefined, cause?: unknown): DownloadError {
  const of = total === undefined ? '' : ` of ${mb(total)}`
  return new DownloadError(`The download of ${url} was cut short after ${mb(received)}${of}${cause ? ` (${describe(cause)})` : ''}.`, {
    code: 'download_interrupted',
    cause,
    hint: 'Run `pensar upgrade` again.',
  })
}

function tooLarge(url: string, max: number): DownloadError {
  return new DownloadError(`${url} is larger than ${mb(max)}, more than any pensar release file.`, { code: 'too_large', hint: 'Check PENSAR_INSTALL_BASE.' })
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

function describe(error: unknown): string {
  const code = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : ''
  const message = error instanceof Error ? error.message : String(error)
  return code && !message.includes(code) ? `${code}: ${message}` : message
}
