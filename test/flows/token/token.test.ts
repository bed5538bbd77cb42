// `pensar login token`: a valid credential on stdout and nothing else, renewed when due.
import { afterEach, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SessionExpiredError } from '../../../src/flows/session/refresh'
import { printToken } from '../../../src/flows/token/token'
import { AuthError, EXIT } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { json, oauthError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedApiKeySession, seedWorkosSession, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const TOKEN_PATH = '/user_management/authenticate'
const authFile = () => JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8'))

describe('printToken', () => {
  test('a valid token: exactly the token and a newline on stdout, no request, nothing said', async () => {
    t = createTestContext()
    const token = accessTokenExpiringIn(t.clock.now(), 240_000)
    await seedWorkosSession(t.ctx, { accessToken: token })
    await printToken(t.ctx)
    expect(t.out.text).toBe(`${token}\n`)
    expect(t.fetch.requests).toEqual([])
    expect(t.ui.lines).toEqual([])
  })

  test('a token that is due is renewed under the lock first; the renewed one is printed and the rotated refresh token saved', async () => {
    t = createTestContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 30_000) })
    const renewed = refreshedTokens(t.clock.now(), 5)
    t.fetch.on('POST', TOKEN_PATH, json(renewed))
    await printToken(t.ctx)
    expect(t.out.text).toBe(`${renewed.access_token}\n`)
    expect(authFile().refreshToken).toBe(renewed.refresh_token)
    t.fetch.verify()
  })

  test('--json: the token with its expiry, workspace and gateway, as one object', async () => {
    t = createTestContext({ env: { json: true } })
    const token = accessTokenExpiringIn(t.clock.now(), 240_000)
    await seedWorkosSession(t.ctx, { accessToken: token })
    await printToken(t.ctx)
    expect(t.out.text).toBe('')
    const exp = Math.floor((t.clock.now() + 240_000) / 1000) * 1000
    expect(t.ui.events).toEqual([{ token, authType: 'workos', expiresAt: new Date(exp).toISOString(), workspace: WORKSPACE, gatewayUrl: TEST_API }] as never)
  })

  test('--json names the session\'s own gateway, not one a later edit of config.json names', async () => {
    t = createTestContext({ env: { json: true } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000), extraConfig: { gatewayUrl: 'https://gateway.of-the-session.test' } })
    t.ctx.store.writeConfig({ gatewayUrl: 'https://gateway.elsewhere.test' })
    await printToken(t.ctx)
    expect(t.ui.events[0]).toMatchObject({ authType: 'workos', gatewayUrl: 'https://gateway.of-the-session.test' })
  })

  test('API-key auth prints the key, which does not expire', async () => {
    t = createTestContext({ env: { json: true } })
    await seedApiKeySession(t.ctx, 'psk_storedkey0123456789')
    await printToken(t.ctx)
    expect(t.ui.events[0]).toMatchObject({ token: 'psk_storedkey0123456789', authType: 'api-key', expiresAt: null, workspace: WORKSPACE })
  })

  test('PENSAR_API_KEY wins, and the stored login\'s workspace is not claimed for it', async () => {
    t = createTestContext({ env: { json: true, vars: { PENSAR_API_KEY: ' psk_envkey0123456789 ' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    await printToken(t.ctx)
    expect(t.ui.events[0]).toMatchObject({ token: 'psk_envkey0123456789', authType: 'api-key', workspace: null })
  })

  test('not logged in, or a session the Console ended: exit 4 and nothing on stdout', async () => {
    t = createTestContext()
    const none = await printToken(t.ctx).catch((e) => e)
    expect(none).toBeInstanceOf(AuthError)
    t.cleanup()

    t = createTestContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -1_000) })
    t.fetch.on('POST', TOKEN_PATH, oauthError('invalid_grant'))
    const ended = await printToken(t.ctx).catch((e) => e)
    expect(ended).toBeInstanceOf(SessionExpiredError)
    expect(ended.exitCode).toBe(EXIT.auth)
    expect(t.out.text).toBe('')
  })
})
