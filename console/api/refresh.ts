// Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP §4.14): each refresh token
// works once; presenting a spent one means it was copied, so the whole session is revoked. One
// exception, as production identity providers make it (Okta's grace period, Auth0's reuse
// interval): a client whose answer was lost (a killed process, a dropped connection) may present
// the token it just rotated again within REUSE_GRACE_MS, as long as the refresh token that answer
// carried has not been used, and gets that same refresh token (with a fresh access token) instead
// of a revocation. The chain stays one token long, so reuse detection keeps its meaning.
import type { App } from '../app.ts'
import { requireString, type Body } from '../lib/http.ts'
import { findRefreshToken, findSession, isLive, markRotated, revokeSession, sealSuccessor, successorWithinGrace } from '../store/sessions.ts'
import { findUserById } from '../store/users.ts'
import { grantError, tokenResponse } from './tokens.ts'

export const REUSE_GRACE_MS = 30_000

export async function refreshGrant(app: App, body: Body, clientId: string) {
  const token = requireString(body, 'refresh_token')
  const now = app.now()
  const record = findRefreshToken(app.db, token)
  if (!record) throw grantError('invalid_grant', 'Unknown refresh token. Log in again.')
  const session = findSession(app.db, record.sessionId)
  if (!isLive(session, now) || session.clientId !== clientId) {
    throw grantError('invalid_grant', 'The session of this refresh token has ended. Log in again.')
  }
  const user = findUserById(app.db, session.userId)
  if (!user) throw grantError('invalid_grant', 'The user no longer exists.')
  if (record.rotatedAt === null && markRotated(app.db, token, now)) {
    app.stats.refreshes += 1
    const answer = await tokenResponse(app, session, user)
    sealSuccessor(app.db, token, answer.refresh_token, now)
    return answer
  }
  // The lost answer again: the same refresh token, and a fresh access token of the same session.
  const successor = successorWithinGrace(app.db, token, now, REUSE_GRACE_MS)
  if (successor) return tokenResponse(app, session, user, successor)
  app.stats.reuseDetections += 1
  revokeSession(app.db, session.id, 'refresh token reuse', now)
  throw grantError('invalid_grant', 'This refresh token was already used; the session is revoked. Log in again.')
}
