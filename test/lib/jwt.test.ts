import { describe, expect, test } from 'bun:test'
import { accessTokenExpiresAt, decodeJwtClaims } from '../../src/lib/jwt'

function jwt(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'ES256', typ: 'JWT' })}.${part(payload)}.c2ln`
}

describe('decodeJwtClaims', () => {
  test('reads exp, sid, sub and email', () => {
    const claims = decodeJwtClaims(jwt({ exp: 1_700_000_300, iat: 1_700_000_000, sid: 'ses_1', sub: 'user_1', email: 'a@b.c' }))
    expect(claims).toEqual({ exp: 1_700_000_300, iat: 1_700_000_000, sid: 'ses_1', sub: 'user_1', email: 'a@b.c' })
  })

  test('drops wrong-typed claims instead of trusting them', () => {
    expect(decodeJwtClaims(jwt({ exp: '1700000300', sid: 42 }))).toEqual({})
  })

  test.each([
    ['an API key', 'psk_abcdef'],
    ['a truncated token', 'eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjE3'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c'],
    ['a payload that is an array', `a.${Buffer.from('[1]').toString('base64url')}.c`],
    ['an empty string', ''],
  ])('returns null for %s', (_name, token) => {
    expect(decodeJwtClaims(token)).toBeNull()
  })
})

describe('accessTokenExpiresAt', () => {
  test('converts exp seconds to epoch milliseconds', () => {
    expect(accessTokenExpiresAt(jwt({ exp: 1_700_000_300 }))).toBe(1_700_000_300_000)
  })

  test('is null without exp', () => {
    expect(accessTokenExpiresAt(jwt({ sub: 'u' }))).toBeNull()
  })
})
