// Who is calling: a Bearer access token (ours, or a trusted issuer's) or a workspace API key.
import type { App } from '../app.ts'
import { ApiError } from '../lib/http.ts'
import { decodeJwt, verifyJwt } from '../lib/jwt.ts'
import { findLiveApiKey, type ApiKey } from '../store/api-keys.ts'
import { findSession, isLive } from '../store/sessions.ts'
import { createUser, findUserByEmail, findUserById, isPlausibleEmail, type User } from '../store/users.ts'
import { createWorkspace } from '../store/workspaces.ts'

export type Caller = { kind: 'token'; user: User } | { kind: 'api-key'; user: User; apiKey: ApiKey }

export function invalidToken(description: string): ApiError {
  return new ApiError(401, 'invalid_token', description, { 'www-authenticate': 'Bearer error="invalid_token"' })
}

export async function authenticateCaller(app: App, req: Request): Promise<Caller> {
  const header = req.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim())
  if (!match) throw invalidToken('Send Authorization: Bearer <access token or API key>.')
  const credential = match[1]!
  if (credential.startsWith('psk_')) return callerOfApiKey(app, credential)
  return { kind: 'token', user: await userOfAccessToken(app, credential) }
}

function callerOfApiKey(app: App, credential: string): Caller {
  const apiKey = findLiveApiKey(app.db, credential)
  const user = apiKey && findUserById(app.db, apiKey.userId)
  if (!apiKey || !user) throw invalidToken('Unknown or revoked API key.')
  return { kind: 'api-key', user, apiKey }
}

async function userOfAccessToken(app: App, token: string): Promise<User> {
  const decoded = decodeJwt(token)
  if (!decoded) throw invalidToken('The access token is malformed.')
  const nowSeconds = Math.floor(app.now() / 1000)
  if (decoded.claims.iss === app.url) {
    const valid = decoded.header.kid === app.key.kid && (await verifyJwt(decoded, app.key.publicKey, nowSeconds))
    if (!valid) throw invalidToken('The access token is invalid or expired.')
    const session = findSession(app.db, String(decoded.claims.sid))
    if (!isLive(session, app.now())) throw invalidToken('The session of this access token has ended. Log in again.')
    const user = findUserById(app.db, session.userId)
    if (!user) throw invalidToken('The user of this access token no longer exists.')
    return user
  }
  if (app.trust && decoded.claims.iss === app.trust.issuer) {
    const claims = await app.trust.verify(decoded, nowSeconds)
    if (!claims) throw invalidToken('The access token is invalid or expired.')
    return userOfExternalEmail(app, claims.email)
  }
  throw invalidToken('The access token was issued by an issuer this Console does not trust.')
}

// A person who logs in through the trusted provider becomes a user here on first sight.
function userOfExternalEmail(app: App, email: unknown): User {
  if (typeof email !== 'string' || !isPlausibleEmail(email)) throw invalidToken('The access token has no email claim.')
  const existing = findUserByEmail(app.db, email)
  if (existing) return { id: existing.id, email: existing.email }
  return createUserWithWorkspace(app, email)
}

export function createUserWithWorkspace(app: App, email: string, password: string | null = null): User {
  const user = createUser(app.db, email, password, app.now())
  createWorkspace(app.db, user.id, { name: `${email.split('@')[0]}'s workspace` }, app.now())
  return user
}
