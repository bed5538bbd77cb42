// The authenticated client for the rest of the CLI: Bearer token (a WorkOS
// access token or an API key), `X-Workspace-Id`, a refresh when the token is about to expire
// (refresh.ts), one renewal and retry after a 401, and the gateway request signature, for an
// answer read whole (`postSigned`) or as it streams (`streamSigned`). Requests go only to the
// addresses the session was made with (credentials.ts `origins`), and to the gateway only over
// https or to this computer: anything else is refused before a byte is sent.
import { apiUrlFor, type Context } from '../../context'
import { getValidCredentials, renewAfterRejection, type ActiveCredentials } from './refresh'
import { readCredentials, type Origins } from './credentials'
import { AuthError, PensarError } from '../../lib/errors'
import { signGatewayRequest } from '../../lib/gateway-signature'
import { HttpError, type StreamingResponse } from '../../lib/http'
import { unsafeUrlReason } from '../../lib/safe-url'
import { serverClockFor } from '../../lib/server-clock'

export interface AuthedRequestOptions {
  /** Per attempt; default 15 s. */
  timeoutMs?: number
  retries?: number
  headers?: Record<string, string>
  /**
   * Aborts the request and stops waiting for a token renewal (which itself runs on: see
   * refresh.ts). Replaces the Ctrl-C signal for the request, so include ctx.signal in it.
   */
  signal?: AbortSignal
}

export interface StreamRequestOptions extends AuthedRequestOptions {
  /** The longest silence allowed between two chunks; default 60 s. */
  idleTimeoutMs?: number
}

/**
 * Where signed requests go, when not where the stored session says: a `PENSAR_API_KEY` learns its
 * workspace, gateway and signing key from `GET /auth/validate`, and nothing of it is stored.
 */
export interface GatewayTarget {
  gatewayUrl?: string
  workspaceId?: string
  signingKey?: string
}

export interface AuthedClient {
  /** `path` is relative to the API URL, or a full URL under the API or the gateway. */
  get<T>(path: string, opts?: AuthedRequestOptions): Promise<T>
  postJson<T>(path: string, body: unknown, opts?: AuthedRequestOptions): Promise<T>
  /** A signed gateway request: `path` relative to the gateway URL; `body.model` is signed. */
  postSigned<T>(path: string, body: SignedBody, opts?: AuthedRequestOptions): Promise<T>
  /** The same request, its answer read as it arrives (a 401 is renewed and retried before any of it). */
  streamSigned(path: string, body: SignedBody, opts?: StreamRequestOptions): Promise<StreamingResponse>
  /** The gateway URL (from the workspace selection; the API URL when none was stored). */
  gatewayUrl(): Promise<string>
}

export type SignedBody = { model: string; [field: string]: unknown }

export function createAuthedClient(ctx: Context, target: GatewayTarget = {}): AuthedClient {
  const config = ctx.store.readConfig()
  /** A PENSAR_API_KEY's gateway, from GET /auth/validate. */
  const targetGateway = target.gatewayUrl?.replace(/\/+$/, '')

  async function withAuth<T>(send: (creds: ActiveCredentials) => Promise<T>, wait: { signal?: AbortSignal }): Promise<T> {
    const creds = await getValidCredentials(ctx, wait)
    try {
      return await send(creds)
    } catch (error) {
      if (!isUnauthorized(error)) throw error
      if (creds.kind === 'api-key') throw apiKeyRejected(creds)
      ctx.log.debug('the Console rejected the access token; renewing it once')
      const renewed = await renewAfterRejection(ctx, creds.token, wait)
      try {
        return await send(renewed)
      } catch (retryError) {
        if (isUnauthorized(retryError)) {
          throw new AuthError('Pensar Console rejected the renewed session.', { code: 'unauthorized', hint: 'Run `pensar login` to reconnect.' })
        }
        throw retryError
      }
    }
  }

  function headersFor(creds: ActiveCredentials, extra?: Record<string, string>): Record<string, string> {
    // An API key implies its workspace; a stored workspace is still sent when known. The stored
    // one may be another login's when PENSAR_API_KEY overrides it: never send that.
    const workspaceId = target.workspaceId ?? (creds.source === 'env' ? undefined : config?.workspace?.id)
    return { ...(workspaceId ? { 'X-Workspace-Id': workspaceId } : {}), ...extra }
  }

  /** Where these credentials may go: the session's own addresses, with a PENSAR_API_KEY's gateway from GET /auth/validate (the target). */
  function gatewayOrigins(creds: ActiveCredentials): Origins {
    return targetGateway ? { ...creds.origins, gatewayUrl: targetGateway } : creds.origins
  }

  /** The body as the exact bytes to send, and its signature headers (a fresh nonce each time). */
  function signed(creds: ActiveCredentials, body: SignedBody, extra?: Record<string, string>): { text: string; headers: Record<string, string> } {
    const signingKey = target.signingKey ?? creds.signingKey
    if (!signingKey) {
      throw new PensarError('No gateway signing key is stored for this workspace.', { code: 'no_signing_key', hint: 'Run `pensar login` to select the workspace again.' })
    }
    // Signed bytes and sent bytes must be identical: send the string we signed.
    const text = JSON.stringify(body)
    const signature = signGatewayRequest({ signingKey, model: body.model, body: text, timestamp: serverClockFor(ctx).now() / 1000 })
    return { text, headers: headersFor(creds, { ...extra, ...signature }) }
  }

  return {
    async gatewayUrl() {
      if (targetGateway) return targetGateway
      const creds = await readCredentials(ctx)
      return creds.kind === 'none' ? apiUrlFor(ctx) : creds.origins.gatewayUrl
    },
    get: (path, opts = {}) =>
      withAuth((creds) => ctx.http.get(destination(gatewayOrigins(creds), path), { ...opts, token: creds.token, headers: headersFor(creds, opts.headers) }), opts),
    postJson: (path, body, opts = {}) =>
      withAuth((creds) => ctx.http.postJson(destination(gatewayOrigins(creds), path), body, { ...opts, token: creds.token, headers: headersFor(creds, opts.headers) }), opts),
    postSigned: (path, body, opts = {}) =>
      withAuth((creds) => {
        const url = gatewayDestination(gatewayOrigins(creds), path)
        const request = signed(creds, body, opts.headers)
        return ctx.http.postJson(url, request.text, { ...opts, token: creds.token, headers: request.headers })
      }, opts),
    streamSigned: (path, body, opts = {}) =>
      withAuth((creds) => {
        const url = gatewayDestination(gatewayOrigins(creds), path)
        const request = signed(creds, body, opts.headers)
        return ctx.http.postStream(url, request.text, { ...opts, token: creds.token, headers: request.headers })
      }, opts),
  }
}

/** A path under the API, or a full URL under one of the session's own addresses. */
function destination(origins: Origins, path: string): string {
  if (!/^https?:\/\//i.test(path)) return `${origins.apiUrl}${path.startsWith('/') ? '' : '/'}${path}`
  if (isUnder(path, origins.gatewayUrl)) return gatewayDestination(origins, path)
  if (isUnder(path, origins.apiUrl)) return path
  throw new PensarError(`Refusing to send this session's credentials to ${new URL(path).origin}: it was made with ${origins.apiUrl}.`, { code: 'foreign_destination' })
}

/** The gateway gets the token and signed requests only over https, or on this computer. */
function gatewayDestination(origins: Origins, path: string): string {
  const reason = unsafeUrlReason(origins.gatewayUrl)
  if (reason) {
    throw new PensarError(`The gateway address stored for this session (gatewayUrl ${JSON.stringify(origins.gatewayUrl)}) is unsafe: ${reason}. Nothing was sent to it.`, {
      code: 'unsafe_url',
      hint: 'Run `pensar login` to get the workspace\'s gateway address from Pensar Console again.',
    })
  }
  if (/^https?:\/\//i.test(path)) return path
  return `${origins.gatewayUrl}${path.startsWith('/') ? '' : '/'}${path}`
}

function isUnder(url: string, base: string): boolean {
  try {
    const [u, b] = [new URL(url), new URL(base)]
    const basePath = b.pathname.replace(/\/+$/, '')
    return u.origin === b.origin && (u.pathname === basePath || u.pathname.startsWith(`${basePath}/`))
  } catch {
    return false
  }
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof HttpError && error.status === 401 && error.oauthError !== 'invalid_signature'
}

function apiKeyRejected(creds: ActiveCredentials): AuthError {
  const where = creds.source === 'env' ? 'The API key in PENSAR_API_KEY' : 'The stored API key'
  return new AuthError(`${where} was rejected by Pensar Console (unknown or revoked).`, {
    code: 'invalid_api_key',
    hint: creds.source === 'env' ? 'Create a new key in Pensar Console (Settings > API keys), or unset PENSAR_API_KEY.' : 'Run `pensar login` (or `pensar login --with-api-key`) again.',
  })
}
