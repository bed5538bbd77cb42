// --trust-issuer: access tokens of an external OpenID provider (docs/console-api.md §8), verified
// with jose against the provider's discovery document and JWKS. jose caches the JWKS and fetches it
// again when a token names a key id it doesn't hold, at most once every 30 seconds, so tokens with
// made-up key ids can't make the Console hammer the provider.
import { createRemoteJWKSet, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload, type RemoteJWKSet } from 'jose'
import { ApiError, invalidToken } from './lib/http.ts'

/** Asymmetric signatures only: never `none`, never HS* (its secret would be the key the provider publishes). */
export const PROVIDER_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA']
/** How far the provider's clock may be from the Console's for `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30
const FETCH_TIMEOUT_MS = 5000
/** After a failed discovery, answer 503 at once for this long rather than asking the provider on every request. */
const DISCOVERY_RETRY_MS = 10_000

export type ProviderClaims = JWTPayload & { sub: string } & Record<string, unknown>

export interface TrustedIssuer {
  /** The configured issuer URL without a trailing slash, as /api/cli/config names it. */
  issuer: string
  /** Whether a token's (not yet verified) `iss` claims to be this provider's. */
  claimedBy(iss: unknown): boolean
  /** The verified claims; throws 401 `invalid_token` for a token it refuses, 503 when the provider can't be reached. */
  verify(token: string, now: number): Promise<ProviderClaims>
  /**
   * What the provider's userinfo endpoint (OpenID Connect Core §5.3) says about the holder of this
   * token: null when the discovery document names no such endpoint or it refuses the token. Asked
   * once at a time per subject: concurrent requests of one person share the answer.
   */
  userinfo(token: string, sub: string): Promise<Record<string, unknown> | null>
}

interface Discovery {
  /** The `issuer` of the discovery document: `iss` must be exactly this. */
  issuer: string
  keys: RemoteJWKSet
  userinfoEndpoint?: string
}

/** `clientId`: the client the CLI runs the device flow as (GET /api/cli/config names it). */
export function createTrustedIssuer(issuer: string, clientId: string): TrustedIssuer {
  const base = issuer.replace(/\/+$/, '')
  let discovery: Promise<Discovery> | null = null
  let discoveryFailedAt = -Infinity
  const userinfoInFlight = new Map<string, Promise<Record<string, unknown> | null>>()

  function discover(): Promise<Discovery> {
    if (!discovery && Date.now() - discoveryFailedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(providerUnavailable(`${base} could not be reached a moment ago; try again in a few seconds.`))
    }
    discovery ??= fetchDiscovery(base).catch((error: unknown) => {
      discovery = null
      discoveryFailedAt = Date.now()
      throw error
    })
    return discovery
  }

  async function keyFor(header: JWTHeaderParameters, token: Parameters<RemoteJWKSet>[1]) {
    const { keys } = await discover()
    try {
      return await keys(header, token)
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error
      throw providerUnavailable(`Could not read the signing keys of ${base} (${(error as Error).message}).`)
    }
  }

  async function askUserinfo(token: string, sub: string): Promise<Record<string, unknown> | null> {
    const { userinfoEndpoint } = await discover()
    if (!userinfoEndpoint) return null
    const response = await fetchOrUnavailable(userinfoEndpoint, { headers: { authorization: `Bearer ${token}` } })
    if (response.status >= 400 && response.status < 500) return null
    const info = await jsonOrUnavailable(response, userinfoEndpoint)
    // The answer must be about this token's subject (OpenID Connect Core §5.3.2).
    return info.sub === sub ? info : null
  }

  return {
    issuer: base,
    claimedBy: (iss) => typeof iss === 'string' && iss.replace(/\/+$/, '') === base,
    async verify(token, now) {
      const { issuer: exactIssuer } = await discover()
      let payload: JWTPayload
      try {
        ;({ payload } = await jwtVerify(token, keyFor, {
          algorithms: PROVIDER_ALGORITHMS,
          issuer: exactIssuer,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now),
        }))
      } catch (error) {
        if (error instanceof ApiError) throw error
        throw invalidToken(refusal(error, base))
      }
      if (typeof payload.sub !== 'string' || !payload.sub) throw invalidToken('The access token names no subject (sub).')
      if (!isIssuedTo(payload, clientId)) throw invalidToken(`The access token was issued to another application of ${base}, not to ${clientId}.`)
      return payload as ProviderClaims
    },
    userinfo(token, sub) {
      let pending = userinfoInFlight.get(sub)
      if (!pending) {
        pending = askUserinfo(token, sub).finally(() => userinfoInFlight.delete(sub))
        userinfoInFlight.set(sub, pending)
      }
      return pending
    },
  }
}

async function fetchDiscovery(base: string): Promise<Discovery> {
  const url = `${base}/.well-known/openid-configuration`
  const response = await fetchOrUnavailable(url)
  if (!response.ok) throw providerUnavailable(`${url} answered ${response.status}.`)
  const doc = await jsonOrUnavailable(response, url)
  // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
  if (typeof doc.issuer !== 'string' || doc.issuer.replace(/\/+$/, '') !== base) {
    throw providerUnavailable(`${url} names the issuer ${JSON.stringify(doc.issuer)}, not ${base}: check --trust-issuer.`)
  }
  const jwksUri = httpUrl(doc.jwks_uri)
  if (!jwksUri) throw providerUnavailable(`${url} names no jwks_uri.`)
  const keys = createRemoteJWKSet(jwksUri, { timeoutDuration: FETCH_TIMEOUT_MS })
  return { issuer: doc.issuer, keys, userinfoEndpoint: httpUrl(doc.userinfo_endpoint)?.href }
}

function httpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined
  } catch {
    return undefined
  }
}

async function fetchOrUnavailable(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
    if (response.status >= 500) throw new Error(`it answered ${response.status}`)
    return response
  } catch (error) {
    throw providerUnavailable(`Could not reach ${url} (${(error as Error).message}).`)
  }
}

async function jsonOrUnavailable(response: Response, url: string): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => null)
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw providerUnavailable(`${url} did not answer a JSON object.`)
  return body as Record<string, unknown>
}

/** The provider is down or misconfigured: the token may be fine, so not 401 (which means "log in again"). */
function providerUnavailable(description: string): ApiError {
  return new ApiError(503, 'temporarily_unavailable', description, { 'retry-after': '5' })
}

function refusal(error: unknown, issuer: string): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired.'
  if (error instanceof errors.JOSEAlgNotAllowed) return `The access token's signature algorithm is not one this Console accepts (${PROVIDER_ALGORITHMS.join(', ')}).`
  if (error instanceof errors.JWKSNoMatchingKey) return `The access token is signed with a key ${issuer} does not publish.`
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token\'s signature does not verify.'
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The access token has no ${error.claim} claim.`
    if (error.claim === 'iss') return `The access token was not issued by ${issuer}.`
    if (error.claim === 'nbf') return 'The access token is not valid yet (nbf).'
    return `The access token's ${error.claim} claim is invalid.`
  }
  return 'The access token is malformed.'
}

/**
 * Whether a token the provider issued is meant for `clientId`: a token of another application of
 * the same provider must not open this Console. `azp` or `client_id` name the client; without
 * them, `aud` must include it; a token that names no audience at all is bound by its issuer alone
 * (WorkOS puts the client id in the issuer's URL).
 */
function isIssuedTo(claims: Record<string, unknown>, clientId: string): boolean {
  const client = claims.azp ?? claims.client_id
  if (client !== undefined) return client === clientId
  if (claims.aud !== undefined) return [claims.aud].flat().includes(clientId)
  return true
}
