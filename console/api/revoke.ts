// RFC 7009 revocation: ends the one session a refresh or access token belongs to, when the client
// asking is the one the token was issued to (§2.1).
import type { App } from '../app.ts'
import { json, readBody, requireString } from '../lib/http.ts'
import { verifyOwnToken } from '../lib/jwt.ts'
import { findRefreshToken, findSession, revokeSession, type Session } from '../store/sessions.ts'
import type { RequestContext } from '../router.ts'
import { requireKnownClient } from './device-flow.ts'
import { grantError, NO_STORE } from './tokens.ts'

export async function revoke({ app, req }: RequestContext): Promise<Response> {
  const body = await readBody(req)
  const token = requireString(body, 'token')
  const clientId = requireKnownClient(body)
  const session = await sessionOfToken(app, token)
  if (session && session.clientId !== clientId) {
    throw grantError('invalid_grant', `This token was not issued to ${clientId}; nothing was revoked.`)
  }
  if (session && revokeSession(app.db, session.id, 'revoked by client', app.now())) app.stats.revocations += 1
  // RFC 7009 §2.2: unknown and already-revoked tokens get the same 200.
  return json({}, 200, NO_STORE)
}

async function sessionOfToken(app: App, token: string): Promise<Session | null> {
  const refresh = findRefreshToken(app.db, token)
  if (refresh) return findSession(app.db, refresh.sessionId)
  try {
    const claims = await verifyOwnToken(app.key, token, { issuer: app.url, now: app.now(), allowExpired: true })
    return findSession(app.db, String(claims.sid))
  } catch {
    return null
  }
}
