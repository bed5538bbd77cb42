import type { Database } from 'bun:sqlite'
import { newId } from '../lib/ids.ts'
import { unsafeCharacter } from '../lib/text-rules.ts'

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
  return emailProblem(email) === null
}

/** Why `email` can't be an account's email, or null when it can. */
export function emailProblem(email: string): string | null {
  const unsafe = unsafeCharacter(email)
  if (unsafe) return `The email contains an invisible or control character (${unsafe}). Use visible text only.`
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) return 'Enter a valid email address.'
  return null
}

export function findUserByEmail(db: Database, email: string): UserRow | null {
  return db.query<UserRow, [string]>('SELECT id, email, password_hash FROM users WHERE email = ?').get(normalizeEmail(email))
}

export function findUserById(db: Database, id: string): User | null {
  return db.query<User, [string]>('SELECT id, email FROM users WHERE id = ?').get(id)
}

export function createUser(db: Database, email: string, passwordHash: string | null, now: number): User {
  const user = createUserUnlessTaken(db, email, passwordHash, now)
  if (!user) throw new Error('A user with that email already exists.')
  return user
}

/**
 * The new user, or null when the email is already taken. The database decides, not an earlier
 * look-up: two sign-ups racing with one email (each awaiting its password hash) make one account.
 */
export function createUserUnlessTaken(db: Database, email: string, passwordHash: string | null, now: number): User | null {
  const user = { id: newId('user_'), email: normalizeEmail(email) }
  const inserted = db.query('INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING')
    .run(user.id, user.email, passwordHash, now)
  return inserted.changes === 1 ? user : null
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
