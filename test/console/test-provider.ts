// A small OpenID provider for the Console's --trust-issuer tests: a real HTTP server with a
// discovery document, a JWKS and a userinfo endpoint, and sign() for tokens made with any of its
// keys or claims. Logging in at it is not its business: the binary test uses a second Console.
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, type JWK, type JWTPayload } from 'jose'

export type ProviderAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA'

interface ProviderKey {
  kid: string
  alg: ProviderAlgorithm
  privateKey: CryptoKey
  publicJwk: JWK
}

export interface TestProviderOptions {
  /** Whether discovery names a userinfo endpoint. */
  userinfo?: boolean
  /** The `issuer` the discovery document names, when it should not be the provider's own URL. */
  discoveryIssuer?: string
  /** The clock for `iat`/`exp` of signed tokens (milliseconds); share the Console's fake clock. */
  now?: () => number
}

export interface TestProvider {
  issuer: string
  /** Creates a key and publishes it in the JWKS; returns its kid. */
  addKey(alg: ProviderAlgorithm): Promise<string>
  /** A token signed with the key `kid` (default: the newest); `iss`, `iat`, `exp` filled in unless given. */
  sign(claims: JWTPayload & Record<string, unknown>, opts?: { kid?: string; header?: Record<string, unknown> }): Promise<string>
  /** What userinfo answers for a subject (default: `{ sub }` alone). */
  setProfile(sub: string, profile: Record<string, unknown>): void
  /** Requests served, by path. */
  hits(path: string): number
  /** Makes the JWKS answer 500 until set back. */
  failJwks(fail: boolean): void
  publicJwk(kid: string): JWK
  stop(): Promise<void>
}

export async function startTestProvider(opts: TestProviderOptions = {}): Promise<TestProvider> {
  const keys: ProviderKey[] = []
  const profiles = new Map<string, Record<string, unknown>>()
  const counts = new Map<string, number>()
  let jwksFails = false
  let issuer = ''

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req) {
      const { pathname } = new URL(req.url)
      counts.set(pathname, (counts.get(pathname) ?? 0) + 1)
      if (pathname === '/.well-known/openid-configuration') {
        return Response.json({
          issuer: opts.discoveryIssuer ?? issuer,
          jwks_uri: `${issuer}/jwks`,
          ...(opts.userinfo ? { userinfo_endpoint: `${issuer}/userinfo` } : {}),
        })
      }
      if (pathname === '/jwks') {
        if (jwksFails) return new Response('down', { status: 500 })
        return Response.json({ keys: keys.map((k) => k.publicJwk) })
      }
      if (pathname === '/userinfo' && opts.userinfo) {
        const token = /^Bearer (\S+)$/.exec(req.headers.get('authorization') ?? '')?.[1]
        const sub = token ? decodeJwt(token).sub : undefined
        if (!sub) return Response.json({ error: 'invalid_token' }, { status: 401 })
        return Response.json({ sub, ...profiles.get(sub) })
      }
      return Response.json({ error: 'not_found' }, { status: 404 })
    },
  })
  issuer = `http://127.0.0.1:${server.port}`

  return {
    issuer,
    async addKey(alg) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
      const kid = `${alg.toLowerCase()}-${keys.length + 1}`
      keys.push({ kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } })
      return kid
    },
    async sign(claims, { kid, header } = {}) {
      const key = kid ? keys.find((k) => k.kid === kid) : keys.at(-1)
      if (!key) throw new Error(`the test provider has no key ${kid ?? '(none added)'}`)
      const iat = Math.floor((opts.now ?? Date.now)() / 1000)
      return new SignJWT({ iss: issuer, iat, exp: iat + 300, ...claims })
        .setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })
        .sign(key.privateKey)
    },
    setProfile: (sub, profile) => profiles.set(sub, profile),
    hits: (path) => counts.get(path) ?? 0,
    failJwks: (fail) => (jwksFails = fail),
    publicJwk(kid) {
      const key = keys.find((k) => k.kid === kid)
      if (!key) throw new Error(`the test provider has no key ${kid}`)
      return key.publicJwk
    },
    stop: () => server.stop(true),
  }
}
