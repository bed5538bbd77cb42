// Who is calling: a Bearer access token (ours, or a trusted issuer's) or a workspace API key.
import { decodeJwt } from 'jose'
import { CLI_CLIENT_ID, type App } from '../app.ts'
import { invalidToken } from '../lib/http.ts'
import { verifyOwnToken } from '../lib/jwt.ts'
import { findLiveApiKey, type ApiKey } from '../store/api-keys.ts'
import { findSession, isLive } from '../store/sessions.ts'
import { findUserById, type User } from '../store/users.ts'
import { userOfProviderToken } from './provider-users.ts'

export type Caller = { kind: 'token'; user: User } | { kind: 'api-key'; user: User; apiKey: ApiKey }

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
  const iss = unverifiedIssuer(token)
  if (iss === app.url) return userOfOwnToken(app, token)
  if (app.trust?.claimedBy(iss)) {
    const claims = await app.trust.verify(token, app.now())
    return userOfProviderToken(app, app.trust, token, claims)
  }
  throw invalidToken('The access token was issued by an issuer this Console does not trust.')
}

// Only picks who verifies the token; the verification checks `iss` again, on the signed claims.
function unverifiedIssuer(token: string): unknown {
  try {
    return decodeJwt(token).iss
  } catch {
    throw invalidToken('The access token is malformed.')
  }
}

async function userOfOwnToken(app: App, token: string): Promise<User> {
  let claims
  try {
    claims = await verifyOwnToken(app.key, token, { issuer: app.url, now: app.now() })
  } catch {
    throw invalidToken('The access token is invalid or expired.')
  }
  // The API serves the CLI: a token this Console issued to another client does not open it (§8 asks the same of provider tokens).
  if (claims.client_id !== CLI_CLIENT_ID) throw invalidToken(`The access token was issued to another client, not to ${CLI_CLIENT_ID}.`)
  const session = findSession(app.db, String(claims.sid))
  if (!isLive(session, app.now())) throw invalidToken('The session of this access token has ended. Log in again.')
  const user = findUserById(app.db, session.userId)
  if (!user) throw invalidToken('The user of this access token no longer exists.')
  return user
}
