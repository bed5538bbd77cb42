// --trust-issuer: verify access tokens of an external OpenID provider against its discovery
// document and JWKS (cached; refetched when a token names an unknown key id, at most once a
// minute, so tokens with made-up key ids can't make the Console hammer the provider).
import { importPublicJwk, verifyJwt, type DecodedJwt } from './lib/jwt.ts'

export interface TrustedIssuer {
  issuer: string
  /** The verified claims, or null when the token is not a valid, unexpired token of this issuer. */
  verify(token: DecodedJwt, nowSeconds: number): Promise<Record<string, unknown> | null>
}

type FetchJson = (url: string) => Promise<unknown>

const REFETCH_COOLDOWN_MS = 60_000

export function createTrustedIssuer(issuer: string, fetchJson: FetchJson = defaultFetchJson, now = Date.now): TrustedIssuer {
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
      return token.claims
    },
  }
}

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  return response.json()
}
