import { afterEach, describe, expect, test } from 'bun:test'
import { checkSessionAtStartup } from '../../src/interactive/session-check'
import { createTestContext, type TestContext } from '../helpers/context'
import { json, networkError, oauthError } from '../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedApiKeySession, seedWorkosSession, TOKEN_ENDPOINT, USER, WORKSPACE } from '../helpers/session-fixtures'

const CONNECTED = { user: USER.email, apiKey: undefined, console: 'api.test.pensar', workspace: WORKSPACE.name }

let t: TestContext
afterEach(() => t?.cleanup())

function setup() {
  t = createTestContext({ interactive: true })
  return t
}

describe('checkSessionAtStartup', () => {
  test('nobody logged in: "none", and no request', async () => {
    const { ctx, fetch } = setup()
    expect(await checkSessionAtStartup(ctx)).toEqual({ state: 'none' })
    expect(fetch.requests).toEqual([])
  })

  test('a token that is still good: "ok" without asking the Console', async () => {
    const { ctx, fetch, clock } = setup()
    await seedWorkosSession(ctx, { accessToken: accessTokenExpiringIn(clock.now(), 10 * 60_000) })
    expect(await checkSessionAtStartup(ctx)).toEqual({ state: 'ok', connection: CONNECTED })
    expect(fetch.requests).toEqual([])
  })

  test('an expired token with a valid refresh token: restored silently, rotated token on disk', async () => {
    const { ctx, fetch, clock, ui } = setup()
    await seedWorkosSession(ctx, { accessToken: accessTokenExpiringIn(clock.now(), -60_000) })
    fetch.on('POST', TOKEN_ENDPOINT, json(refreshedTokens(clock.now())))
    expect(await checkSessionAtStartup(ctx)).toEqual({ state: 'ok', connection: CONNECTED })
    fetch.verify()
    expect((await ctx.store.readAuth())?.refreshToken).toBe('rt_rotated1_0123456789')
    expect(ui.lines).toEqual([])
  })

  test('an expired token whose refresh token the Console refuses: "expired", tokens gone', async () => {
    const { ctx, fetch, clock } = setup()
    await seedWorkosSession(ctx, { accessToken: accessTokenExpiringIn(clock.now(), -60_000) })
    fetch.on('POST', TOKEN_ENDPOINT, oauthError('invalid_grant'))
    expect(await checkSessionAtStartup(ctx)).toEqual({ state: 'expired' })
    expect((await ctx.store.readAuth())?.refreshToken).toBeUndefined()
    // …and the next start says so again, without asking the Console.
    expect(await checkSessionAtStartup(ctx)).toEqual({ state: 'expired' })
    expect(fetch.requests).toHaveLength(1)
  })

  test('the Console unreachable: "unchecked" with the reason, and the session kept', async () => {
    const { ctx, fetch, clock } = setup()
    await seedWorkosSession(ctx, { accessToken: accessTokenExpiringIn(clock.now(), -60_000) })
    fetch.on('POST', TOKEN_ENDPOINT, networkError('connection refused'))
    const health = await checkSessionAtStartup(ctx)
    expect(health.state).toBe('unchecked')
    expect(JSON.stringify(health)).toContain('connection refused')
    expect((await ctx.store.readAuth())?.refreshToken).toBe('rt_original0123456789')
  })

  test('an API key never expires: "ok" without a request', async () => {
    const { ctx, fetch } = setup()
    await seedApiKeySession(ctx, 'psk_test0123456789')
    expect(await checkSessionAtStartup(ctx)).toEqual({ state: 'ok', connection: { ...CONNECTED, apiKey: 'file' } })
    expect(fetch.requests).toEqual([])
  })

  test('PENSAR_API_KEY: connected with it, whatever is stored', async () => {
    t = createTestContext({ interactive: true, env: { vars: { PENSAR_API_KEY: 'psk_env0123456789' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000) })
    expect(await checkSessionAtStartup(t.ctx)).toEqual({ state: 'ok', connection: { user: undefined, apiKey: 'env', console: 'api.test.pensar', workspace: undefined } })
  })
})
