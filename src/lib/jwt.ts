// Reads the claims of an access token. The CLI never verifies signatures (the Console does);
// it only needs `exp` to decide when to refresh and `sid`/`email` to describe the session.

export interface AccessTokenClaims {
  /** Expiry, Unix seconds. */
  exp?: number
  iat?: number
  sid?: string
  sub?: string
  email?: string
}

/** The token's claims, or null when it is not a readable JWT (an API key, a truncated token). */
export function decodeJwtClaims(token: string): AccessTokenClaims | null {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1]) return null
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null
  const raw = payload as Record<string, unknown>
  const claims: AccessTokenClaims = {}
  if (typeof raw.exp === 'number' && Number.isFinite(raw.exp)) claims.exp = raw.exp
  if (typeof raw.iat === 'number' && Number.isFinite(raw.iat)) claims.iat = raw.iat
  for (const key of ['sid', 'sub', 'email'] as const) {
    const value = raw[key]
    if (typeof value === 'string') claims[key] = value
  }
  return claims
}

/** When the token expires, in epoch milliseconds; null when it carries no readable `exp`. */
export function accessTokenExpiresAt(token: string): number | null {
  const exp = decodeJwtClaims(token)?.exp
  return exp === undefined ? null : exp * 1000
}
