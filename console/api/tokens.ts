// Token responses: an access token (a JWT signed with the Console's key) bound to a session,
// plus a rotating refresh token; and the OAuth error a token grant answers with (RFC 6749 §5.2).
import type { App } from '../app.ts'
import { ApiError } from '../lib/http.ts'
import { signJwt } from '../lib/jwt.ts'
import { issueRefreshToken, type Session } from '../store/sessions.ts'
import { publicUser, type User } from '../store/users.ts'

export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }

/** A fresh access token; with it `refreshToken` when given (the answer a client lost, again), else a new one. */
export async function tokenResponse(app: App, session: Session, user: User, refreshToken?: string) {
  const now = app.now()
  const iat = Math.floor(now / 1000)
  const accessToken = await signJwt(app.key, {
    iss: app.url,
    sub: user.id,
    sid: session.id,
    email: user.email,
    client_id: session.clientId,
    iat,
    exp: iat + app.options.accessTtlSeconds,
  })
  return {
    access_token: accessToken,
    refresh_token: refreshToken ?? issueRefreshToken(app.db, session.id, now),
    token_type: 'Bearer',
    expires_in: app.options.accessTtlSeconds,
    user: publicUser(user),
  }
}

export function grantError(code: string, description: string): ApiError {
  return new ApiError(400, code, description)
}
