// RFC 7009 revocation: ends the one session a refresh or access token belongs to.
import type { App } from '../app.ts'
import { json, readBody, requireString } from '../lib/http.ts'
import { decodeJwt, verifyJwt } from '../lib/jwt.ts'
import { findRefreshToken, revokeSession } from '../store/sessions.ts'
import type { RequestContext } from '../router.ts'
import { NO_STORE } from './tokens.ts'

export async function revoke({ app, req }: RequestContext): Promise<Response> {
  const body = await readBody(req)
  const token = requireString(body, 'token')
  const sessionId = await sessionOfToken(app, token)
  if (sessionId && revokeSession(app.db, sessionId, 'revoked by client', app.now())) app.stats.revocations += 1
  // RFC 7009 §2.2: unknown and already-revoked tokens get the same 200.
  return json({}, 200, NO_STORE)
}

async function sessionOfToken(app: App, token: string): Promise<string | null> {
  const refresh = findRefreshToken(app.db, token)
  if (refresh) return refresh.sessionId
  const decoded = decodeJwt(token)
  if (!decoded || decoded.claims.iss !== app.url || decoded.header.kid !== app.key.kid) return null
  // An expired access token still names its session; the signature is what matters here.
  const valid = await verifyJwt(decoded, app.key.publicKey, 0)
  return valid && typeof decoded.claims.sid === 'string' ? decoded.claims.sid : null
}
