// ES256 JSON Web Tokens with WebCrypto. ECDSA with SHA-256 in WebCrypto produces the raw r||s
// signature that JWS (RFC 7515 §A.3) expects, so no DER conversion is needed.
import type { Database } from 'bun:sqlite'
import { getMeta, setMeta } from '../store/db.ts'
import { randomBytes } from 'node:crypto'

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const

export interface PublicJwk extends JsonWebKey {
  kid: string
  alg: 'ES256'
  use: 'sig'
}

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: PublicJwk
}

export type Claims = Record<string, unknown> & { iss?: string; sub?: string; exp?: number; iat?: number }

/** Loads the signing key from the database, creating it on first start so tokens survive restarts. */
export async function loadSigningKey(db: Database): Promise<SigningKey> {
  const stored = getMeta(db, 'signing_key')
  if (stored) {
    const { kid, privateJwk } = JSON.parse(stored) as { kid: string; privateJwk: JsonWebKey }
    return importKeyPair(kid, privateJwk)
  }
  const pair = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
  const kid = randomBytes(8).toString('hex')
  const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey)
  setMeta(db, 'signing_key', JSON.stringify({ kid, privateJwk }))
  return importKeyPair(kid, privateJwk)
}

async function importKeyPair(kid: string, privateJwk: JsonWebKey): Promise<SigningKey> {
  const privateKey = await crypto.subtle.importKey('jwk', privateJwk, ALGORITHM, false, ['sign'])
  const { kty, crv, x, y } = privateJwk
  const publicJwk: PublicJwk = { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }
  const publicKey = await importPublicJwk(publicJwk)
  return { kid, privateKey, publicKey, publicJwk }
}

export function importPublicJwk(jwk: JsonWebKey): Promise<CryptoKey> {
  const { kty, crv, x, y } = jwk
  return crypto.subtle.importKey('jwk', { kty, crv, x, y }, ALGORITHM, false, ['verify'])
}

export async function signJwt(key: SigningKey, claims: Claims): Promise<string> {
  const header = encodePart({ alg: 'ES256', typ: 'JWT', kid: key.kid })
  const payload = encodePart(claims)
  const signature = await crypto.subtle.sign(SIGN, key.privateKey, new TextEncoder().encode(`${header}.${payload}`))
  return `${header}.${payload}.${Buffer.from(signature).toString('base64url')}`
}

export interface DecodedJwt {
  header: { alg?: string; kid?: string }
  claims: Claims
  signingInput: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

/** Splits and parses a JWT without verifying it; null when it isn't one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'))
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    if (typeof header !== 'object' || typeof claims !== 'object' || !header || !claims) return null
    const signingInput = new TextEncoder().encode(`${parts[0]}.${parts[1]}`)
    return { header, claims, signingInput, signature: new Uint8Array(Buffer.from(parts[2]!, 'base64url')) }
  } catch {
    return null
  }
}

/** True when the signature is a valid ES256 signature by `publicKey` and `exp` has not passed. */
export async function verifyJwt(decoded: DecodedJwt, publicKey: CryptoKey, nowSeconds: number): Promise<boolean> {
  if (decoded.header.alg !== 'ES256') return false
  const valid = await crypto.subtle.verify(SIGN, publicKey, decoded.signature, decoded.signingInput)
  return valid && typeof decoded.claims.exp === 'number' && decoded.claims.exp > nowSeconds
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
