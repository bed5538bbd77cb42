// The Console's token signing key in its database: what earlier Consoles stored keeps working, and
// a start with another algorithm replaces it (docs/console-api.md §1).
import { describe, expect, test } from 'bun:test'
import { decodeProtectedHeader } from 'jose'
import { loadSigningKey, signJwt, verifyOwnToken } from '../../console/lib/jwt.ts'
import { openDatabase, setMeta } from '../../console/store/db.ts'

const ISSUER = 'http://127.0.0.1:4100'
const check = { issuer: ISSUER, now: Date.UTC(2030, 0, 1) }
const claims = { iss: ISSUER, sid: 'sess_1', exp: check.now / 1000 + 300 }

describe('the signing key', () => {
  test('a key an earlier Console stored (WebCrypto JWK, no alg) still verifies the tokens it signed', async () => {
    const db = openDatabase(':memory:')
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
    setMeta(db, 'signing_key', JSON.stringify({ kid: 'earlier', privateJwk: await crypto.subtle.exportKey('jwk', pair.privateKey) }))
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const input = `${part({ alg: 'ES256', typ: 'JWT', kid: 'earlier' })}.${part(claims)}`
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(input))
    const key = await loadSigningKey(db)
    expect([key.kid, key.alg]).toEqual(['earlier', 'ES256'])
    expect(await verifyOwnToken(key, `${input}.${Buffer.from(signature).toString('base64url')}`, check)).toMatchObject({ sid: 'sess_1' })
  })

  test('kept across starts; another algorithm replaces it, and tokens of the old key are refused', async () => {
    const db = openDatabase(':memory:')
    const es256 = await loadSigningKey(db)
    expect((await loadSigningKey(db)).kid).toBe(es256.kid)
    const old = await signJwt(es256, claims)
    const rs256 = await loadSigningKey(db, 'RS256')
    expect(rs256.kid).not.toBe(es256.kid)
    expect(rs256.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' })
    expect(rs256.publicJwk).not.toHaveProperty('d')
    expect(decodeProtectedHeader(await signJwt(rs256, claims)).alg).toBe('RS256')
    await expect(verifyOwnToken(rs256, old, check)).rejects.toThrow()
    expect((await loadSigningKey(db, 'RS256')).kid).toBe(rs256.kid)
  })
})
