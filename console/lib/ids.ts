// Random identifiers and secrets. Secrets are stored only as SHA-256 hashes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// RFC 8628 §6.1: consonants only, no look-alikes, so a person can read and type the code.
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ'

export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url')
}

export function newId(prefix: string): string {
  return prefix + randomBytes(12).toString('hex')
}

export function newUserCode(): string {
  // Rejection sampling: 240 is the largest multiple of 20 below 256, so every letter is equally likely.
  let code = ''
  while (code.length < 8) {
    for (const byte of randomBytes(16)) {
      if (byte < 240 && code.length < 8) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length]
    }
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** Accepts `bcdf-ghjk`, `BCDFGHJK`, ` bcdf ghjk `; returns `BCDF-GHJK`, or null when it can't be a code. */
export function normalizeUserCode(input: string): string | null {
  const letters = input.toUpperCase().replace(/[\s-]/g, '')
  if (letters.length !== 8 || [...letters].some((c) => !USER_CODE_ALPHABET.includes(c))) return null
  return `${letters.slice(0, 4)}-${letters.slice(4)}`
}

export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex')
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
