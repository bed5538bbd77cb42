// The refresh-token grant itself (RFC 6749 §6) and what its answer means for the session.
import { isCredential } from '../../lib/console-api'
import type { Http } from '../../lib/http'
import { HttpError } from '../../lib/http'
import { PensarError } from '../../lib/errors'

export interface RefreshGrantInput {
  tokenEndpoint: string
  clientId: string
  refreshToken: string
}

export interface RefreshedTokens {
  accessToken: string
  /** The rotated refresh token; the one sent when the server did not rotate (RFC 6749 §6). */
  refreshToken: string
  expiresInSec?: number
  tokenType?: string
}

/** The server refused the refresh token: the session is over (only this ends a session). */
export class InvalidGrantError extends PensarError {
  constructor(description?: string) {
    super(`The Console refused the refresh token${description ? ` (${description})` : ''}.`, { code: 'invalid_grant' })
  }
}

const REFRESH_TIMEOUT_MS = 10_000

/**
 * Once sent, the grant is never cancelled (Ctrl-C, Esc): the Console rotates the refresh token as
 * it answers, and this answer is the only copy of the new one (see refreshSession in refresh.ts).
 * Its own signal, which never aborts, keeps the Context's Ctrl-C signal off it; the timeout stays.
 */
export async function requestRefreshGrant(http: Http, input: RefreshGrantInput): Promise<RefreshedTokens> {
  let body: unknown
  try {
    body = await http.postForm<unknown>(
      input.tokenEndpoint,
      { grant_type: 'refresh_token', refresh_token: input.refreshToken, client_id: input.clientId },
      { timeoutMs: REFRESH_TIMEOUT_MS, signal: new AbortController().signal },
    )
  } catch (error) {
    if (error instanceof HttpError && error.oauthError === 'invalid_grant') throw new InvalidGrantError(error.description)
    throw error
  }
  return parseTokenResponse(body, input)
}

function parseTokenResponse(body: unknown, input: RefreshGrantInput): RefreshedTokens {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  if (typeof value.access_token !== 'string' || !value.access_token) {
    throw new HttpError(`${input.tokenEndpoint} answered without an access token.`, 'malformed', 'POST', input.tokenEndpoint, 200)
  }
  const refreshToken = typeof value.refresh_token === 'string' && value.refresh_token ? value.refresh_token : input.refreshToken
  // `pensar login token` prints the access token exactly: a control character in it would reach
  // the terminal as a sequence it obeys (lib/console-api.ts credential).
  if (!isCredential(value.access_token) || !isCredential(refreshToken)) {
    throw new HttpError(`${input.tokenEndpoint} answered with a token that is not printable ASCII.`, 'malformed', 'POST', input.tokenEndpoint, 200)
  }
  return {
    accessToken: value.access_token,
    refreshToken,
    expiresInSec: typeof value.expires_in === 'number' && Number.isFinite(value.expires_in) ? value.expires_in : undefined,
    tokenType: typeof value.token_type === 'string' ? value.token_type : undefined,
  }
}
