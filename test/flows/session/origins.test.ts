// Where a session's credentials may go (flows/session/credentials.ts `origins`, the authed client)
// and what the session lock sweeps (session-lock.ts): flow tests on FakeFetch, so that a request
// to any other host fails the test by itself (FakeFetch refuses unmatched requests).
import { afterEach, describe, expect, test } from 'bun:test'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createAuthedClient } from '../../../src/flows/session/authed-client'
import { readCredentials } from '../../../src/flows/session/credentials'
import { getValidAccessToken } from '../../../src/flows/session/refresh'
import { withSessionLock } from '../../../src/flows/session/session-lock'
import { AuthError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { json } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, fakeJwt, refreshedTokens, seedWorkosSession } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

async function loggedIn(extraConfig: Record<string, unknown> = {}) {
  t = createTestContext()
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000), extraConfig })
}

const catching = async (work: () => unknown) => {
  try {
    await work()
  } catch (error) {
    return error as Error & { code?: string; exitCode?: number; hint?: string }
  }
  throw new Error('it did not throw')
}

describe('the origins of a stored session', () => {
  test('auth.json carries them: a config.json rewritten by someone else does not redirect the token', async () => {
    await loggedIn()
    t.ctx.store.writeConfig({ apiUrl: 'https://evil.test', gatewayUrl: 'https://evil.test' })
    const creds = await readCredentials(t.ctx)
    expect(creds.kind === 'workos' && creds.origins).toEqual({ apiUrl: TEST_API, gatewayUrl: TEST_API })
  })

  test('a session saved before auth.json carried them falls back to config.json; without it, exit 4 and nothing sent', async () => {
    await loggedIn({ gatewayUrl: 'https://gateway.test' })
    const { apiUrl: _a, gatewayUrl: _g, ...older } = (await t.ctx.store.readAuth())!
    writeFileSync(t.ctx.store.paths.auth, JSON.stringify(older))
    const creds = await readCredentials(t.ctx)
    expect(creds.kind === 'workos' && creds.origins).toEqual({ apiUrl: TEST_API, gatewayUrl: 'https://gateway.test' })
    writeFileSync(t.ctx.store.paths.config, '{ damaged')
    const error = await catching(() => createAuthedClient(t.ctx).get('/api/cli/workspaces'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error.code).toBe('unknown_console')
    expect(error.exitCode).toBe(4)
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('--api-url naming another Console: exit 4, nothing sent, not even a renewal', async () => {
    t = createTestContext({ env: { apiUrl: 'https://other.test', apiUrlExplicit: true } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -5_000) })
    const error = await catching(() => getValidAccessToken(t.ctx))
    expect(error.code).toBe('other_console')
    expect(error.message).toBe(`Not logged in to https://other.test: the stored session belongs to ${TEST_API}.`)
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('the same Console spelled with a trailing slash or upper-case host is the same Console', async () => {
    t = createTestContext({ env: { apiUrl: TEST_API.toUpperCase().replace('HTTPS', 'https'), apiUrlExplicit: true } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    expect((await readCredentials(t.ctx)).kind).toBe('workos')
  })
})

describe('the authed client sends credentials only to the session\'s own addresses', () => {
  test('a full URL on another host is refused before anything is sent', async () => {
    await loggedIn()
    const error = await catching(() => createAuthedClient(t.ctx).get('https://elsewhere.test/steal'))
    expect(error.code).toBe('foreign_destination')
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('a gateway in plain http on another host gets neither the token nor a signed request', async () => {
    await loggedIn({ gatewayUrl: 'http://gateway.elsewhere.test' })
    const client = createAuthedClient(t.ctx)
    for (const send of [async () => client.get(`${await client.gatewayUrl()}/gateway/validate`), () => client.postSigned('/gateway/v1/messages', { model: 'm' })]) {
      const error = await catching(send)
      expect(error.code).toBe('unsafe_url')
      expect(error.message).toContain('gatewayUrl "http://gateway.elsewhere.test"')
      expect(error.message).toContain('Nothing was sent to it.')
    }
    expect(t.fetch.requests).toHaveLength(0)
  })

  test("PENSAR_API_KEY never goes to the stored session's gateway: only to the API, or the gateway its own /auth/validate named", async () => {
    t = createTestContext({ env: { vars: { PENSAR_API_KEY: 'psk_envkey0123456789' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000), extraConfig: { gatewayUrl: 'https://gateway.of-the-stored-session.test' } })
    const creds = await readCredentials(t.ctx)
    expect(creds.kind === 'api-key' && creds.origins).toEqual({ apiUrl: TEST_API, gatewayUrl: TEST_API })
    const error = await catching(() => createAuthedClient(t.ctx).get('https://gateway.of-the-stored-session.test/gateway/validate'))
    expect(error.code).toBe('foreign_destination')
    expect(t.fetch.requests).toHaveLength(0)
    t.fetch.on('GET', '/gateway/validate', json({ ok: true }))
    const keyOwn = createAuthedClient(t.ctx, { gatewayUrl: 'https://gateway.of-the-key.test', workspaceId: 'ws_key' })
    await keyOwn.get(`${await keyOwn.gatewayUrl()}/gateway/validate`)
    const sent = t.fetch.calls('/gateway/validate')[0]!
    expect([sent.url, sent.headers.get('x-workspace-id'), sent.headers.get('authorization')]).toEqual(['https://gateway.of-the-key.test/gateway/validate', 'ws_key', 'Bearer psk_envkey0123456789'])
  })

  test('a gateway on this computer over plain http is fine (the local Console)', async () => {
    await loggedIn({ gatewayUrl: 'http://127.0.0.1:4100' })
    t.fetch.on('GET', '/gateway/validate', json({ ok: true }))
    const client = createAuthedClient(t.ctx)
    await client.get(`${await client.gatewayUrl()}/gateway/validate`)
    expect(t.fetch.calls('/gateway/validate')[0]!.url).toBe('http://127.0.0.1:4100/gateway/validate')
  })
})

describe('the session lock sweeps what a killed pensar left', () => {
  const leftover = (auth: Record<string, unknown>) => writeFileSync(join(t.home, `auth.json.tmp-${Bun.spawnSync(['true']).pid}-k1lled`), JSON.stringify(auth))

  test('another session in a leftover temp file is revoked at its own revocation endpoint, after the command', async () => {
    await loggedIn()
    leftover({ refreshToken: 'rt_orphan0123456789', accessToken: fakeJwt({ sid: 'ses_orphan' }), clientId: 'client_cli', revocationEndpoint: `${TEST_API}/oauth/revoke` })
    t.fetch.on('POST', '/oauth/revoke', json({}))
    await withSessionLock(t.ctx, () => {})
    await t.ctx.background.settled()
    expect(t.fetch.calls('/oauth/revoke').map((r) => r.form)).toEqual([{ token: 'rt_orphan0123456789', token_type_hint: 'refresh_token', client_id: 'client_cli' }])
    t.fetch.verify()
  })

  test('a leftover of the stored session itself (same sid) or of unknown session is only removed', async () => {
    await loggedIn()
    leftover({ refreshToken: 'rt_rotated_but_unsaved', accessToken: fakeJwt({ sid: 'ses_1' }), revocationEndpoint: `${TEST_API}/oauth/revoke` })
    leftover({ refreshToken: 'rt_no_sid', accessToken: 'opaque', revocationEndpoint: `${TEST_API}/oauth/revoke` })
    await withSessionLock(t.ctx, () => {})
    await t.ctx.background.settled()
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('a renewal sweeps first: the reserve and temp files it finds are gone after it', async () => {
    t = createTestContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -5_000) })
    writeFileSync(join(t.home, 'auth.json.reserve'), Buffer.alloc(65_536))
    leftover({})
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now())))
    await getValidAccessToken(t.ctx)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })
})
