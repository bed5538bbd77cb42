import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loginWithApiKey, type KeyInput } from '../../../src/flows/login/api-key-login'
import { AuthError, EXIT, UsageError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { json, oauthError } from '../../helpers/fake-fetch'
import { seedApiKeySession, seedWorkosSession, USER, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const piped = (text: string): KeyInput => ({ isTTY: false, readAll: async () => text })
const validAnswer = () => json({ valid: true, workspace: WORKSPACE, credits: { balance: 50 }, billing: { balance: 50, hasPaymentMethod: true, ready: true }, user: USER, signingKey: 'sk_ws123456', gatewayUrl: TEST_API })

describe('login --with-api-key', () => {
  test('trims whitespace and newlines, validates at the Console, stores the key 0600 with its workspace', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/auth/validate', validAnswer())
    await loginWithApiKey(t.ctx, piped('  psk_live_abc123\r\n\n'))
    expect(t.fetch.calls('/auth/validate')[0]!.headers.get('authorization')).toBe('Bearer psk_live_abc123')
    const auth = JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8'))
    expect(auth).toMatchObject({ authType: 'api-key', apiKey: 'psk_live_abc123', signingKey: 'sk_ws123456' })
    expect(statSync(join(t.home, 'auth.json')).mode & 0o777).toBe(0o600)
    expect(statSync(t.home).mode & 0o777).toBe(0o700)
    const config = JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8'))
    expect(config).toMatchObject({ authType: 'api-key', workspace: WORKSPACE, user: USER, apiUrl: TEST_API })
    expect(JSON.stringify(config)).not.toContain('psk_')
    expect(t.ui.text).toContain('Acme (acme)')
    expect(t.ui.text).not.toContain('psk_live_abc123')
  })

  test('a browser login it replaces is revoked at the Console (RFC 7009), a failure only logged', async () => {
    t = createTestContext()
    seedWorkosSession(t.ctx, { accessToken: 'eyJ.a.b', refreshToken: 'rt_replaced0123456789' })
    t.fetch.on('GET', '/auth/validate', validAnswer())
    t.fetch.on('POST', '/oauth/revoke', json({}))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(t.fetch.calls('/oauth/revoke')[0]!.form).toMatchObject({ token: 'rt_replaced0123456789', token_type_hint: 'refresh_token' })
    expect(t.ctx.store.readAuth()).toMatchObject({ authType: 'api-key', apiKey: 'psk_live_abc123' })
    expect(t.ctx.store.readAuth()?.refreshToken).toBeUndefined()

    const offline = createTestContext()
    seedWorkosSession(offline.ctx, { accessToken: 'eyJ.a.b' })
    offline.fetch.on('GET', '/auth/validate', validAnswer())
    offline.fetch.on('POST', '/oauth/revoke', oauthError('server_error', 503))
    await loginWithApiKey(offline.ctx, piped('psk_live_abc123\n'))
    expect(offline.ctx.store.readAuth()).toMatchObject({ authType: 'api-key', apiKey: 'psk_live_abc123' })
    offline.cleanup()
  })

  test('replacing a stored API key revokes nothing (a key is revoked in the Console, not by the CLI)', async () => {
    t = createTestContext()
    seedApiKeySession(t.ctx, 'psk_old_key123456')
    t.fetch.on('GET', '/auth/validate', validAnswer())
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(t.fetch.calls('/oauth/revoke')).toEqual([])
  })

  test('a rejected key: exit 4, nothing stored', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/auth/validate', oauthError('invalid_token', 401))
    const error = await loginWithApiKey(t.ctx, piped('psk_revoked123\n')).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.exitCode).toBe(EXIT.auth)
    expect(error.message).toContain('unknown or revoked')
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
  })

  test('a terminal on stdin is refused with how to pipe the key (never a prompt that hangs)', async () => {
    t = createTestContext()
    const error = await loginWithApiKey(t.ctx, { isTTY: true, readAll: () => new Promise(() => {}) }).catch((e) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error.hint).toContain('< key.txt')
  })

  test.each([['empty', ''], ['only whitespace', ' \n\t\n']])('an %s stdin is a usage error', async (_name, text) => {
    t = createTestContext()
    const error = await loginWithApiKey(t.ctx, piped(text)).catch((e) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('No API key on stdin.')
  })

  test('a key broken by an inner space or newline is refused before any request, without echoing it', async () => {
    t = createTestContext()
    const error = await loginWithApiKey(t.ctx, piped('psk_abc\npsk_def')).catch((e) => e)
    expect(error.message).toContain('spaces or control characters')
    expect(error.message).not.toContain('psk_abc')
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('an HTML answer is a clear error and nothing is stored', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/auth/validate', new Response('<html>hi</html>', { status: 200, headers: { 'content-type': 'text/html' } }), 2)
    const error = await loginWithApiKey(t.ctx, piped('psk_abc123')).catch((e) => e)
    expect(error.message).toContain('not JSON')
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
  })
})
