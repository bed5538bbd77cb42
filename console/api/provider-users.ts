// A person who logs in through the trusted provider (--trust-issuer) becomes a user here on first
// sight, and is known from then on by the provider's issuer and `sub` (docs/console-api.md §8).
// On first sight an email names them: the token's `email`, else what the provider's userinfo
// endpoint says. That is the user with this email, or a new one with one workspace. Without any
// email (WorkOS access tokens carry none) the new user is named by its `sub`.
import type { App } from '../app.ts'
import { findUserOfIdentity, linkIdentity } from '../store/provider-identities.ts'
import { findUserByEmail, isPlausibleEmail, type User } from '../store/users.ts'
import type { ProviderClaims, TrustedIssuer } from '../trust-issuer.ts'
import { invalidToken } from '../lib/http.ts'
import { createUserWithWorkspace } from './new-user.ts'

export async function userOfProviderToken(app: App, trust: TrustedIssuer, token: string, claims: ProviderClaims): Promise<User> {
  const known = findUserOfIdentity(app.db, trust.issuer, claims.sub)
  if (known) return known
  const email = verifiedEmail(claims) ?? verifiedEmail((await trust.userinfo(token, claims.sub)) ?? {})
  // Another request of the same person may have linked them while userinfo answered.
  return findUserOfIdentity(app.db, trust.issuer, claims.sub) ?? firstSight(app, trust.issuer, claims.sub, email)
}

// Synchronous from the lookup to the link, so concurrent first requests can't create two users.
function firstSight(app: App, issuer: string, sub: string, email: string | null): User {
  const existing = email ? findUserByEmail(app.db, email) : null
  const user = existing ? { id: existing.id, email: existing.email } : createUserWithWorkspace(app, email ?? freeNameFor(app, issuer, sub))
  linkIdentity(app.db, issuer, sub, user.id, app.now())
  return user
}

/** The email that names this person, or null; a provider that says it is unverified is refused, since it would name them. */
function verifiedEmail(claims: Record<string, unknown>): string | null {
  if (typeof claims.email !== 'string' || !isPlausibleEmail(claims.email)) return null
  if (claims.email_verified === false || claims.email_verified === 'false') {
    throw invalidToken('The identity provider says the email of this account is not verified. Verify it there, then log in again.')
  }
  return claims.email
}

// Subjects are unique per issuer only: one of another issuer (a Console trusted another before) may hold the name.
function freeNameFor(app: App, issuer: string, sub: string): string {
  const host = new URL(issuer).host
  let name = sub
  for (let n = 1; findUserByEmail(app.db, name); n++) name = n === 1 ? `${sub} (${host})` : `${sub} (${host} ${n})`
  return name
}
