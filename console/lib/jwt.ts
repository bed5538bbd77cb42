// The Console's own access tokens, signed and verified with jose (docs/console-api.md §2). ES256
// unless the Console was started with another algorithm: tests start an RS256 Console to play an
// external OpenID provider for another Console's --trust-issuer.
import type { Database } from 'bun:sqlite'
import { randomBytes } from 'node:crypto'
import { errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose'
import { getMeta, setMeta } from '../store/db.ts'

export type SigningAlgorithm = 'ES256' | 'RS256' | 'PS256' | 'EdDSA'

export interface PublicJwk extends JWK {
  kid: string
  alg: SigningAlgorithm
  use: 'sig'
}

export interface SigningKey {
  kid: string
  alg: SigningAlgorithm
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: PublicJwk
}

export type Claims = JWTPayload & Record<string, unknown>

interface StoredKey {
  kid: string
  /** Absent in keys stored before the algorithm could be chosen: those are ES256. */
  alg?: SigningAlgorithm
  privateJwk: JWK
}

/**
 * Loads the signing key from the database, creating it on first start so tokens survive restarts.
 * A start with another algorithm replaces the key: access tokens signed with the old one are
 * refused from then on, and their refresh tokens get new ones.
 */
export async function loadSigningKey(db: Database, alg: SigningAlgorithm = 'ES256'): Promise<SigningKey> {
  const stored = getMeta(db, 'signing_key')
  if (stored) {
    const key = JSON.parse(stored) as StoredKey
    if ((key.alg ?? 'ES256') === alg) return importKeyPair(key.kid, alg, key.privateJwk)
  }
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const kid = randomBytes(8).toString('hex')
  const privateJwk = await exportJWK(privateKey)
  setMeta(db, 'signing_key', JSON.stringify({ kid, alg, privateJwk } satisfies StoredKey))
  return importKeyPair(kid, alg, privateJwk)
}

async function importKeyPair(kid: string, alg: SigningAlgorithm, privateJwk: JWK): Promise<SigningKey> {
  const publicJwk: PublicJwk = { ...publicMembers(privateJwk), kid, alg, use: 'sig' }
  // Keys stored by WebCrypto's exportKey carry key_ops and ext, which importJWK need not be told.
  const { key_ops: _ops, ext: _ext, ...privateMembers } = privateJwk
  const privateKey = (await importJWK(privateMembers, alg)) as CryptoKey
  const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey
  return { kid, alg, privateKey, publicKey, publicJwk }
}

// RSA keys publish n and e, EC keys crv, x and y, OKP (Ed25519) keys crv and x.
function publicMembers({ kty, crv, x, y, n, e }: JWK): JWK {
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined))
}

export function signJwt(key: SigningKey, claims: Claims): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: key.kid }).sign(key.privateKey)
}

export interface OwnTokenCheck {
  issuer: string
  /** The Console's clock (milliseconds): tokens are judged by the clock that signed them, without tolerance. */
  now: number
  /** Revocation: an expired token still names its session; only the signature and `iss` matter then. */
  allowExpired?: boolean
}

/** The claims of an access token this Console signed; throws jose's error for anything else. */
export async function verifyOwnToken(key: SigningKey, token: string, check: OwnTokenCheck): Promise<Claims> {
  try {
    const { payload } = await jwtVerify<Claims>(token, key.publicKey, {
      algorithms: [key.alg],
      issuer: check.issuer,
      requiredClaims: ['exp', 'sid'],
      currentDate: new Date(check.now),
    })
    return payload
  } catch (error) {
    // jose checks the signature, then iss and the required claims, and exp last.
    if (check.allowExpired && error instanceof errors.JWTExpired) return error.payload as Claims
    throw error
  }
}
