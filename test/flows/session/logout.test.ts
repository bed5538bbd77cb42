import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { logout } from '../../../src/flows/session/logout'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { fakeKeychain } from '../../helpers/fake-keychain'
import { json, networkError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, CLIENT_ID, seedApiKeySession, seedWorkosSession } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const REVOKE = '/oauth/revoke'
const config = () => JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8'))

async function loggedIn(vars: Record<string, string> = {}) {
  t = createTestContext({ env: { vars } })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000), extraConfig: { theme: 'dark', clockSkewMs: 5_000 } })
}

describe('logout', () => {
  test("revokes this device's refresh token (RFC 7009), then forgets the session and keeps other settings", async () => {
    await loggedIn()
    t.fetch.on('POST', REVOKE, json({}))
    const result = await logout(t.ctx)
    expect(result).toEqual({ wasLoggedIn: true, revocation: 'revoked' })
    expect(t.fetch.calls(REVOKE)[0]!.form).toEqual({ token: 'rt_original0123456789', token_type_hint: 'refresh_token', client_id: CLIENT_ID })
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
    const kept = config()
    for (const gone of ['authType', 'user', 'workspace', 'gatewayUrl']) expect(kept[gone]).toBeUndefined()
    expect(kept.theme).toBe('dark')
    expect(kept.apiUrl).toBe(TEST_API)
    expect(t.ui.text).toContain('revoked at Pensar Console')
    expect(t.ui.events).toEqual([{ event: 'logged_out', wasLoggedIn: true, revocation: 'revoked' }])
    t.fetch.verify()
  })

  test('offline: clears locally and says the server-side revocation did not happen', async () => {
    await loggedIn()
    t.fetch.on('POST', REVOKE, networkError('ECONNREFUSED'))
    const result = await logout(t.ctx)
    expect(result.revocation).toBe('failed')
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
    const warning = t.ui.lines.find((l) => l.kind === 'warn')!.text
    expect(warning).toBe('Logged out on this computer only: the session stays valid at Pensar Console until it expires. Revoking it failed: Could not reach https://api.test.pensar/oauth/revoke (ECONNREFUSED).')
    expect(t.ui.lines.filter((l) => l.kind === 'success')).toEqual([]) // one message, no stutter
  })

  test('twice: the second run succeeds with nothing to do and no request', async () => {
    await loggedIn()
    t.fetch.on('POST', REVOKE, json({}))
    await logout(t.ctx)
    const second = await logout(t.ctx)
    expect(second).toEqual({ wasLoggedIn: false, revocation: 'nothing' })
    expect(t.fetch.calls(REVOKE)).toHaveLength(1)
    expect(t.ui.text).toContain('Not logged in; nothing to do.')
  })

  test('an API key is removed locally and the person told it stays valid at the Console', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_stored123')
    const result = await logout(t.ctx)
    expect(result.revocation).toBe('api-key')
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
    expect(t.ui.text).toContain('Settings > API keys')
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('a damaged auth.json does not block logout', async () => {
    await loggedIn()
    writeFileSync(join(t.home, 'auth.json'), '{"refreshToken": ')
    const result = await logout(t.ctx)
    expect(result.wasLoggedIn).toBe(true)
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
  })

  test('quiet (the login screen\'s D) prints nothing on success', async () => {
    await loggedIn()
    t.fetch.on('POST', REVOKE, json({}))
    await logout(t.ctx, { quiet: true })
    expect(t.ui.lines).toHaveLength(0)
  })

  test('reminds that PENSAR_API_KEY stays in effect', async () => {
    await loggedIn({ PENSAR_API_KEY: 'psk_env123' })
    t.fetch.on('POST', REVOKE, json({}))
    await logout(t.ctx)
    expect(t.ui.text).toContain('PENSAR_API_KEY is still set')
  })

  test('not logged in with PENSAR_HOME a file: nothing to do, exit 0, nothing created', async () => {
    t = createTestContext()
    mkdirSync(join(t.home, '..'), { recursive: true })
    writeFileSync(t.home, 'a file')
    expect(await logout(t.ctx)).toEqual({ wasLoggedIn: false, revocation: 'nothing' })
    expect(t.ui.text).toContain('Not logged in; nothing to do.')
    expect(readFileSync(t.home, 'utf8')).toBe('a file')
  })
})

describe('logout with the OS keychain', () => {
  async function inKeychain() {
    const { keychain, secrets } = fakeKeychain()
    t = createTestContext({ keychain, credentialMode: 'auto' })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    expect(secrets.entries.size).toBe(1)
    return secrets
  }

  test('revokes the session read from the keychain, then removes its entry and any file copy', async () => {
    const secrets = await inKeychain()
    writeFileSync(join(t.home, 'auth.json'), '{"refreshToken":"a stray copy"}', { mode: 0o600 })
    t.fetch.on('POST', REVOKE, json({}))
    expect(await logout(t.ctx)).toEqual({ wasLoggedIn: true, revocation: 'revoked' })
    expect(t.fetch.calls(REVOKE)[0]!.form?.token).toBe('rt_original0123456789')
    expect(secrets.entries.size).toBe(0)
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
    expect(config().credentialStore).toBeUndefined()
    expect(t.ui.lines.filter((l) => l.kind === 'warn')).toEqual([])
  })

  test('a locked keychain: logged out here all the same (exit 0), saying the session was not ended and how to remove its entry', async () => {
    const secrets = await inKeychain()
    secrets.state = 'locked'
    expect(await logout(t.ctx)).toEqual({ wasLoggedIn: true, revocation: 'nothing' })
    expect(t.ui.text).toContain("Its session could not be ended at Pensar Console; pensar forgets it here, and removes its keychain entry if the keychain lets it.")
    expect(t.ui.text).toContain("Once it is unlocked, remove it yourself with `secret-tool clear service dev.pensar.apex account 'session")
    expect(config().authType).toBeUndefined()
    expect(t.fetch.requests).toHaveLength(0)
  })
})
