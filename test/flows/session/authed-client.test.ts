import { afterEach, describe, expect, test } from 'bun:test'
import { createHash, createHmac } from 'node:crypto'
import { createAuthedClient } from '../../../src/flows/session/authed-client'
import { SessionExpiredError } from '../../../src/flows/session/refresh'
import { AuthError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { json, oauthError, type RecordedRequest } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedApiKeySession, seedWorkosSession, SIGNING, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const TOKEN_PATH = '/user_management/authenticate'

async function loggedIn(accessTtlMs = 240_000) {
  t = createTestContext()
  const token = accessTokenExpiringIn(t.clock.now(), accessTtlMs)
  await seedWorkosSession(t.ctx, { accessToken: token })
  return token
}

function verifySignature(req: RecordedRequest, signingKey: string): boolean {
  const ts = req.headers.get('x-pensar-timestamp')!
  const nonce = req.headers.get('x-pensar-nonce')!
  const model = (JSON.parse(req.body) as { model: string }).model
  const bodyHash = createHash('sha256').update(req.body).digest('hex')
  return createHmac('sha256', signingKey).update(`${ts}\n${nonce}\n${model}\n${bodyHash}`).digest('hex') === req.headers.get('x-pensar-signature')
}

describe('createAuthedClient', () => {
  test('sends the Bearer token and X-Workspace-Id', async () => {
    const token = await loggedIn()
    t.fetch.on('GET', '/api/cli/workspaces', json({ workspaces: [] }))
    await createAuthedClient(t.ctx).get('/api/cli/workspaces')
    const req = t.fetch.calls('/api/cli/workspaces')[0]!
    expect(req.url).toBe(`${TEST_API}/api/cli/workspaces`)
    expect(req.headers.get('authorization')).toBe(`Bearer ${token}`)
    expect(req.headers.get('x-workspace-id')).toBe(WORKSPACE.id)
  })

  test('after a 401 it renews the session once and retries with the new token', async () => {
    await loggedIn()
    const renewed = refreshedTokens(t.clock.now(), 7)
    t.fetch.on('GET', '/gateway/validate', oauthError('invalid_token', 401))
    t.fetch.on('POST', TOKEN_PATH, json(renewed))
    t.fetch.on('GET', '/gateway/validate', json({ ok: 1 }))
    expect(await createAuthedClient(t.ctx).get('/gateway/validate')).toEqual({ ok: 1 })
    expect(t.fetch.calls('/gateway/validate')[1]!.headers.get('authorization')).toBe(`Bearer ${renewed.access_token}`)
    t.fetch.verify()
  })

  test('a second 401 after renewing is an auth error, not a loop', async () => {
    await loggedIn()
    t.fetch.on('GET', '/gateway/validate', oauthError('invalid_token', 401), 2)
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now())))
    const error = (await createAuthedClient(t.ctx).get('/gateway/validate').catch((e: unknown) => e)) as AuthError
    expect(error).toBeInstanceOf(AuthError)
    expect(t.fetch.calls(TOKEN_PATH)).toHaveLength(1)
  })

  test('a revoked session ends in the expiry notice', async () => {
    await loggedIn()
    t.fetch.on('GET', '/gateway/validate', oauthError('invalid_token', 401))
    t.fetch.on('POST', TOKEN_PATH, oauthError('invalid_grant'))
    expect(await createAuthedClient(t.ctx).get('/gateway/validate').catch((e) => e)).toBeInstanceOf(SessionExpiredError)
  })

  test('a clock 10 minutes slow: the expired-looking-valid token gets a 401, then one refresh fixes it', async () => {
    t = createTestContext()
    const serverNow = t.clock.now() + 600_000
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(serverNow, -1_000) }) // expired at the server, "valid" by our clock
    t.fetch.on('GET', '/gateway/validate', oauthError('invalid_token', 401, 'expired'))
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(serverNow), 200, { date: new Date(serverNow).toUTCString() }))
    t.fetch.on('GET', '/gateway/validate', json({ ok: 1 }))
    expect(await createAuthedClient(t.ctx).get('/gateway/validate')).toEqual({ ok: 1 })
    t.fetch.verify()
  })

  test('a rejected API key is an auth error and nothing is refreshed', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_revoked123')
    t.fetch.on('GET', '/gateway/validate', oauthError('invalid_token', 401))
    const error = (await createAuthedClient(t.ctx).get('/gateway/validate').catch((e: unknown) => e)) as AuthError
    expect(error).toBeInstanceOf(AuthError)
    expect(error.message).toContain('stored API key was rejected')
    expect(error.message).not.toContain('psk_revoked123')
  })

  test('signs gateway requests: the sent bytes match the signed hash, timestamp by the server clock', async () => {
    await loggedIn()
    t.fetch.on('POST', '/gateway/v1/messages', json({ id: 'msg_1' }))
    const body = { model: 'apex-large', messages: [{ role: 'user', content: 'hi' }] }
    await createAuthedClient(t.ctx).postSigned('/gateway/v1/messages', body)
    const req = t.fetch.calls('/gateway/v1/messages')[0]!
    expect(req.body).toBe(JSON.stringify(body))
    expect(req.headers.get('content-type')).toContain('application/json')
    expect(req.headers.get('x-pensar-timestamp')).toBe(String(Math.floor(t.clock.now() / 1000)))
    expect(req.headers.get('x-pensar-nonce')).toMatch(/^[0-9a-f]{32}$/)
    expect(verifySignature(req, SIGNING)).toBe(true)
  })

  test('a signed request retried after a 401 gets a fresh nonce', async () => {
    await loggedIn()
    t.fetch.on('POST', '/gateway/v1/messages', oauthError('invalid_token', 401))
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now())))
    t.fetch.on('POST', '/gateway/v1/messages', json({ id: 'msg_1' }))
    await createAuthedClient(t.ctx).postSigned('/gateway/v1/messages', { model: 'm', messages: [] })
    const [first, second] = t.fetch.calls('/gateway/v1/messages')
    expect(first!.headers.get('x-pensar-nonce')).not.toBe(second!.headers.get('x-pensar-nonce'))
    expect(verifySignature(second!, SIGNING)).toBe(true)
  })
})
