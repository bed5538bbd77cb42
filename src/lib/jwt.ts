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
    payload = JSON.parse(base64UrlToText(parts[1]))
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

/** base64url → UTF-8 text with atob: Buffer's base64url decoder costs ~0.3 ms at start-up. */
function base64UrlToText(data: string): string {
  const binary = atob(data.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
}
