import type { Database } from 'bun:sqlite'
import { newId } from '../lib/ids.ts'

export interface User {
  id: string
  email: string
}

interface UserRow extends User {
  password_hash: string | null
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

export function isPlausibleEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 254
}

export function findUserByEmail(db: Database, email: string): UserRow | null {
  return db.query<UserRow, [string]>('SELECT id, email, password_hash FROM users WHERE email = ?').get(normalizeEmail(email))
}

export function findUserById(db: Database, id: string): User | null {
  return db.query<User, [string]>('SELECT id, email FROM users WHERE id = ?').get(id)
}

export function createUser(db: Database, email: string, passwordHash: string | null, now: number): User {
  const user = { id: newId('user_'), email: normalizeEmail(email) }
  db.query('INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)').run(user.id, user.email, passwordHash, now)
  return user
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password)
}

let dummyHash: Promise<string> | undefined

/**
 * Checks a password; a user without one (created by the control API) can't sign in with any.
 * An unknown user costs a hash check too, so the answer time doesn't reveal which emails exist.
 */
export async function checkPassword(user: UserRow | null, password: string): Promise<boolean> {
  if (!user?.password_hash) {
    dummyHash ??= Bun.password.hash('not a real password')
    await Bun.password.verify(password, await dummyHash)
    return false
  }
  return Bun.password.verify(password, user.password_hash)
}

export function publicUser(user: User): User {
  return { id: user.id, email: user.email }
}
