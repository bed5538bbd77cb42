// --trust-issuer against a provider that signs with each algorithm a real one uses (RS256 above
// all), and the tokens the Console must refuse: `alg: none`, HS256 keyed with the public key,
// tokens of another client, a wrong `iss`, expired ones. In-process Consoles on a fake clock; the
// provider is a real HTTP server (test-provider.ts). docs/console-api.md §8.
import { afterAll, afterEach, describe, expect, setSystemTime, test } from 'bun:test'
import { exportSPKI, importJWK, SignJWT } from 'jose'
import { CLI_CLIENT_ID } from '../../console/app.ts'
import { startConsole, type RunningConsole } from '../../console/server.ts'
import { bearer, getJson } from './oauth-client.ts'
import { startTestProvider, type ProviderAlgorithm, type TestProvider, type TestProviderOptions } from './test-provider.ts'

let now = Date.UTC(2030, 0, 1)
const nowSeconds = () => Math.floor(now / 1000)
const running: Array<{ stop(): Promise<void> }> = []
afterAll(async () => {
  for (const server of running) await server.stop()
})
// jose's JWKS cooldown reads the system clock; tests that move it put it back.
afterEach(() => setSystemTime())

async function trustingConsole(opts: TestProviderOptions & { alg?: ProviderAlgorithm; seed?: boolean } = {}) {
  const provider = await startTestProvider({ ...opts, now: () => now })
  running.push(provider)
  const kid = await provider.addKey(opts.alg ?? 'RS256')
  const pc: RunningConsole = await startConsole({ port: 0, db: ':memory:', dev: true, seed: opts.seed ? 'demo' : undefined, trustIssuer: provider.issuer, now: () => now })
  running.push(pc)
  const call = (token: string) => getJson(`${pc.url}/api/cli/workspaces`, bearer(token))
  return { provider, pc, kid, call }
}

const unsigned = (header: object, claims: object) => `${part(header)}.${part(claims)}.`
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
let subjects = 0
const person = () => ({ sub: `sub-${++subjects}`, email: `person-${subjects}@corp.example`, client_id: CLI_CLIENT_ID })

describe('signature algorithms', () => {
  test.each(['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const)('a token signed with %s is accepted', async (alg) => {
    const { provider, call } = await trustingConsole({ alg })
    const answer = await call(await provider.sign(person()))
    expect(answer.status).toBe(200)
    expect(answer.body.workspaces).toHaveLength(1)
  })

  test('alg none is refused, for a provider token and for one naming the Console itself', async () => {
    const { provider, pc, call } = await trustingConsole()
    for (const iss of [provider.issuer, pc.url]) {
      const refused = await call(unsigned({ alg: 'none', typ: 'JWT' }, { ...person(), iss, sid: 'sess_x', exp: nowSeconds() + 300 }))
      expect([refused.status, refused.body.error]).toEqual([401, 'invalid_token'])
    }
  })

  test('HS256 keyed with the published public key (algorithm confusion) is refused', async () => {
    const { provider, pc, kid, call } = await trustingConsole()
    const pem = await exportSPKI((await importJWK(provider.publicJwk(kid), 'RS256', { extractable: true })) as CryptoKey)
    const claims = { ...person(), iss: provider.issuer, iat: nowSeconds(), exp: nowSeconds() + 300 }
    for (const secret of [pem, JSON.stringify(provider.publicJwk(kid))]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(secret))
      const refused = await call(forged)
      expect([refused.status, refused.body.error]).toEqual([401, 'invalid_token'])
      expect(refused.body.error_description).toContain('algorithm')
    }
    const ownKey = (await getJson(`${pc.url}/.well-known/jwks.json`)).body.keys[0]
    const ownForged = await new SignJWT({ ...claims, iss: pc.url, sid: 'sess_x' })
      .setProtectedHeader({ alg: 'HS256', kid: ownKey.kid })
      .sign(new TextEncoder().encode(JSON.stringify(ownKey)))
    expect((await call(ownForged)).status).toBe(401)
  })
})

describe('claims', () => {
  test('a token meant for another application of the provider is refused', async () => {
    const { provider, call } = await trustingConsole()
    const verdict = async (claims: Record<string, unknown>) => ((await call(await provider.sign({ ...person(), client_id: undefined, ...claims }))).status === 200 ? 'accepted' : 'refused')
    expect(await verdict({})).toBe('accepted') // bound by its issuer alone, as WorkOS tokens are
    expect(await verdict({ client_id: CLI_CLIENT_ID })).toBe('accepted')
    expect(await verdict({ azp: CLI_CLIENT_ID, aud: 'https://api.example' })).toBe('accepted')
    expect(await verdict({ aud: ['https://api.example', CLI_CLIENT_ID] })).toBe('accepted')
    expect(await verdict({ client_id: 'client_other_app' })).toBe('refused')
    expect(await verdict({ azp: 'client_other_app', aud: CLI_CLIENT_ID })).toBe('refused')
    expect(await verdict({ aud: 'client_other_app' })).toBe('refused')
  })

  test('iss must be exactly the issuer of the discovery document', async () => {
    const { provider, call } = await trustingConsole()
    expect((await call(await provider.sign({ ...person(), iss: `${provider.issuer}/` }))).status).toBe(401)
    expect((await call(await provider.sign(person()))).status).toBe(200)
  })

  test('exp and nbf are judged on the Console\'s clock with 30 s of tolerance', async () => {
    const { provider, call } = await trustingConsole()
    const status = async (claims: Record<string, unknown>) => (await call(await provider.sign({ ...person(), ...claims }))).status
    expect(await status({ exp: nowSeconds() - 29 })).toBe(200)
    expect(await status({ exp: nowSeconds() - 30 })).toBe(401)
    expect(await status({ nbf: nowSeconds() + 30 })).toBe(200)
    expect(await status({ nbf: nowSeconds() + 31 })).toBe(401)
    const token = await provider.sign(person())
    expect((await call(token)).status).toBe(200)
    now += 330_000
    try {
      const expired = await call(token)
      expect([expired.status, expired.body.error_description]).toEqual([401, 'The access token has expired.'])
    } finally {
      now -= 330_000
    }
  })

  test('a token without sub or exp is refused', async () => {
    const { provider, call } = await trustingConsole()
    expect((await call(await provider.sign({ ...person(), sub: undefined }))).status).toBe(401)
    expect((await call(await provider.sign({ ...person(), exp: undefined }))).status).toBe(401)
  })

  test('a token whose email the provider says is unverified is refused', async () => {
    const { provider, call } = await trustingConsole()
    expect((await call(await provider.sign({ ...person(), email_verified: false }))).status).toBe(401)
    expect((await call(await provider.sign({ ...person(), email_verified: 'false' }))).status).toBe(401)
    expect((await call(await provider.sign({ ...person(), email_verified: true }))).status).toBe(200)
  })
})

describe('who a provider token names', () => {
  const workspaceNames = async (answer: { body: Record<string, any> }) => answer.body.workspaces.map((w: { name: string }) => w.name)

  test('without an email and without userinfo: a user named by sub, the same one for every token of that sub', async () => {
    const { provider, call } = await trustingConsole()
    const first = await call(await provider.sign({ sub: 'user_01HWORKOS' }))
    expect(first.status).toBe(200)
    expect(await workspaceNames(first)).toEqual(["user_01HWORKOS's workspace"])
    // Known by issuer and sub from now on: an email appearing later does not move them.
    const later = await call(await provider.sign({ sub: 'user_01HWORKOS', email: 'someone@corp.example' }))
    expect(later.body.workspaces[0].id).toBe(first.body.workspaces[0].id)
  })

  test('an email maps to the existing user on first sight; userinfo is not asked', async () => {
    const { provider, call } = await trustingConsole({ userinfo: true, seed: true })
    const answer = await call(await provider.sign({ sub: 'sub-demo-1', email: 'demo@pensar.local' }))
    expect(await workspaceNames(answer)).toEqual(['Acme', 'Low Balance', 'No Billing'])
    expect(provider.hits('/userinfo')).toBe(0)
  })

  test('without an email: the provider\'s userinfo names them, asked once however many requests come', async () => {
    const { provider, call } = await trustingConsole({ userinfo: true, seed: true })
    provider.setProfile('sub-demo-2', { email: 'demo@pensar.local', email_verified: true })
    const token = await provider.sign({ sub: 'sub-demo-2' })
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(token)))
    answers.push(await call(token))
    for (const answer of answers) expect(await workspaceNames(answer)).toEqual(['Acme', 'Low Balance', 'No Billing'])
    expect(provider.hits('/userinfo')).toBe(1)
  })

  test('userinfo without an email names them by sub; userinfo calling the email unverified refuses them', async () => {
    const { provider, call } = await trustingConsole({ userinfo: true })
    expect(await workspaceNames(await call(await provider.sign({ sub: 'no-email-anywhere' })))).toEqual(["no-email-anywhere's workspace"])
    provider.setProfile('unverified', { email: 'demo@pensar.local', email_verified: false })
    expect((await call(await provider.sign({ sub: 'unverified' }))).status).toBe(401)
  })
})

describe('the provider\'s keys', () => {
  test('key rotation: a token with a new kid mid-session is accepted once the JWKS is fetched again', async () => {
    const { provider, call } = await trustingConsole()
    const me = person()
    expect((await call(await provider.sign(me))).status).toBe(200)
    expect(provider.hits('/jwks')).toBe(1)
    const rotated = await provider.addKey('RS256')
    setSystemTime(new Date(Date.now() + 31_000)) // past jose's 30 s cooldown since the last fetch
    const answer = await call(await provider.sign(me, { kid: rotated }))
    expect(answer.status).toBe(200)
    expect(provider.hits('/jwks')).toBe(2)
  })

  test('made-up key ids fetch the JWKS at most once per 30 s, concurrent or not', async () => {
    const { provider, call } = await trustingConsole()
    const me = person()
    expect((await call(await provider.sign(me))).status).toBe(200)
    const madeUp = (i: number) => provider.sign(me, { header: { kid: `made-up-${i}` } })
    const first = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await call(await madeUp(i))).status))
    expect(new Set(first)).toEqual(new Set([401]))
    expect(provider.hits('/jwks')).toBe(1)
    setSystemTime(new Date(Date.now() + 31_000))
    const later = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await call(await madeUp(100 + i))).status))
    expect(new Set(later)).toEqual(new Set([401]))
    expect(provider.hits('/jwks')).toBe(2)
  })

  test('a provider that can\'t be reached answers 503 (not 401, which would mean "log in again")', async () => {
    const { provider, call } = await trustingConsole()
    provider.failJwks(true)
    const token = await provider.sign(person())
    const down = await call(token)
    expect([down.status, down.body.error]).toEqual([503, 'temporarily_unavailable'])
    expect(down.headers.get('retry-after')).toBeTruthy()
    provider.failJwks(false)
    expect((await call(token)).status).toBe(200)
  })

  test('a discovery document that names another issuer is not trusted', async () => {
    const { provider, call } = await trustingConsole({ discoveryIssuer: 'https://evil.example' })
    const answer = await call(await provider.sign(person()))
    expect([answer.status, answer.body.error]).toEqual([503, 'temporarily_unavailable'])
    expect(answer.body.error_description).toContain('--trust-issuer')
    expect(provider.hits('/jwks')).toBe(0)
  })
})
