// Who a person of the trusted provider (--trust-issuer) is here: the provider's (issuer, sub)
// pair, linked to a user on first sight (docs/console-api.md §8).
import type { Database } from 'bun:sqlite'
import type { User } from './users.ts'

export function findUserOfIdentity(db: Database, issuer: string, subject: string): User | null {
  return db
    .query<User, [string, string]>(
      'SELECT users.id, users.email FROM provider_identities JOIN users ON users.id = provider_identities.user_id WHERE issuer = ? AND subject = ?',
    )
    .get(issuer, subject)
}

export function linkIdentity(db: Database, issuer: string, subject: string, userId: string, now: number): void {
  db.query('INSERT INTO provider_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)').run(issuer, subject, userId, now)
}
