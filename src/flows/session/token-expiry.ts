// When an access token needs renewing, judged by the Console's clock (src/lib/server-clock.ts).
import type { Context } from '../../context'
import { accessTokenExpiresAt, decodeJwtClaims } from '../../lib/jwt'
import { serverClockFor } from '../../lib/server-clock'
import type { WorkosCredentials } from './credentials'

/** Refresh this long before `exp`, so a token never expires in flight. */
export const REFRESH_MARGIN_MS = 60_000

type TokenFields = Pick<WorkosCredentials, 'accessToken' | 'expiresAt'>

/** Expiry in epoch ms: the JWT's own `exp`, else the stored `expiresAt`. */
export function tokenExpiresAt(creds: TokenFields): number | undefined {
  return (creds.accessToken ? accessTokenExpiresAt(creds.accessToken) : null) ?? creds.expiresAt
}

export function expiresSoon(ctx: Context, creds: TokenFields): boolean {
  const exp = tokenExpiresAt(creds)
  return exp !== undefined && exp - refreshMargin(creds) <= serverClockFor(ctx).now()
}

export function isExpired(ctx: Context, creds: TokenFields): boolean {
  const exp = tokenExpiresAt(creds)
  return exp !== undefined && exp <= serverClockFor(ctx).now()
}

/** 60 s, or half the lifetime of a token that lives less than two minutes (test Consoles). */
function refreshMargin(creds: TokenFields): number {
  const claims = creds.accessToken ? decodeJwtClaims(creds.accessToken) : null
  if (claims?.iat === undefined || claims.exp === undefined) return REFRESH_MARGIN_MS
  return Math.min(REFRESH_MARGIN_MS, Math.max(0, ((claims.exp - claims.iat) * 1000) / 2))
}
