// --trust-issuer: verify access tokens of an external OpenID provider against its discovery
// document and JWKS (cached; refetched when a token names an unknown key id, at most once a
// minute, so tokens with made-up key ids can't make the Console hammer the provider). A token
// must also be meant for the CLI's client, and must not say its email is unverified: the email
// is what maps it to a user here.
import { importPublicJwk, verifyJwt, type DecodedJwt } from './lib/jwt.ts'

export interface TrustedIssuer {
  issuer: string
  /** The verified claims, or null when the token is not a valid, unexpired token of this issuer. */
  verify(token: DecodedJwt, nowSeconds: number): Promise<Record<string, unknown> | null>
}

type FetchJson = (url: string) => Promise<unknown>

const REFETCH_COOLDOWN_MS = 60_000

/** `clientId`: the client the CLI runs the device flow as (GET /api/cli/config names it). */
export function createTrustedIssuer(issuer: string, clientId: string, fetchJson: FetchJson = defaultFetchJson, now = Date.now): TrustedIssuer {
  let keys = new Map<string, CryptoKey>()
  let lastFetchAt = -Infinity
  let refreshing: Promise<void> | null = null

  // Requests that arrive during a fetch wait for it rather than being refused.
  function refreshKeys(): Promise<void> {
    if (refreshing) return refreshing
    if (now() - lastFetchAt < REFETCH_COOLDOWN_MS) return Promise.resolve()
    lastFetchAt = now()
    refreshing = fetchKeys().finally(() => (refreshing = null))
    return refreshing
  }

  async function fetchKeys() {
    const discovery = (await fetchJson(`${issuer}/.well-known/openid-configuration`)) as { jwks_uri?: unknown; issuer?: unknown }
    if (typeof discovery?.jwks_uri !== 'string') throw new Error(`${issuer} has no jwks_uri in its discovery document`)
    const jwks = (await fetchJson(discovery.jwks_uri)) as { keys?: Array<JsonWebKey & { kid?: string }> }
    const fresh = new Map<string, CryptoKey>()
    for (const jwk of jwks?.keys ?? []) {
      if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.kid === 'string') fresh.set(jwk.kid, await importPublicJwk(jwk))
    }
    keys = fresh
  }

  return {
    issuer,
    async verify(token, nowSeconds) {
      if (token.claims.iss !== issuer || typeof token.header.kid !== 'string') return null
      if (!keys.has(token.header.kid)) {
        try {
          await refreshKeys()
        } catch {
          return null
        }
      }
      const key = keys.get(token.header.kid)
      if (!key || !(await verifyJwt(token, key, nowSeconds))) return null
      if (!isIssuedTo(token.claims, clientId) || isUnverifiedEmail(token.claims.email_verified)) return null
      return token.claims
    },
  }
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

const isUnverifiedEmail = (value: unknown) => value === false || value === 'false'

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  return response.json()
}
