import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loginWithApiKey, type KeyInput } from '../../../src/flows/login/api-key-login'
import { AuthError, EXIT, UsageError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { json, oauthError } from '../../helpers/fake-fetch'
import { seedApiKeySession, seedWorkosSession, USER, WORKSPACE } from '../../helpers/session-fixtures'
import { UiRecorder } from '../../helpers/ui-recorder'
import { CONSOLE_URL } from '../../helpers/console-stubs'

let t: TestContext
afterEach(() => t?.cleanup())

const piped = (text: string): KeyInput => ({ isTTY: false, readAll: async () => text })
const billed = (balance: number, hasPaymentMethod: boolean) =>
  json({ valid: true, workspace: WORKSPACE, credits: { balance }, billing: { balance, hasPaymentMethod, ready: hasPaymentMethod && balance > 0 }, user: USER, signingKey: 'sk_ws123456', gatewayUrl: TEST_API })
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
    await seedWorkosSession(t.ctx, { accessToken: 'eyJ.a.b', refreshToken: 'rt_replaced0123456789' })
    t.fetch.on('GET', '/auth/validate', validAnswer())
    t.fetch.on('POST', '/oauth/revoke', json({}))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(t.fetch.calls('/oauth/revoke')[0]!.form).toMatchObject({ token: 'rt_replaced0123456789', token_type_hint: 'refresh_token' })
    expect(await t.ctx.store.readAuth()).toMatchObject({ authType: 'api-key', apiKey: 'psk_live_abc123' })
    expect((await t.ctx.store.readAuth())?.refreshToken).toBeUndefined()

    const offline = createTestContext()
    await seedWorkosSession(offline.ctx, { accessToken: 'eyJ.a.b' })
    offline.fetch.on('GET', '/auth/validate', validAnswer())
    offline.fetch.on('POST', '/oauth/revoke', oauthError('server_error', 503))
    await loginWithApiKey(offline.ctx, piped('psk_live_abc123\n'))
    expect(await offline.ctx.store.readAuth()).toMatchObject({ authType: 'api-key', apiKey: 'psk_live_abc123' })
    offline.cleanup()
  })

  test('replacing a stored API key revokes nothing (a key is revoked in the Console, not by the CLI)', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_old_key123456')
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

  test('stores the Console address the Console names, for the billing page and `pensar open`', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/auth/validate', validAnswer())
    t.fetch.on('GET', '/api/cli/config', json({ clientId: 'c', consoleUrl: CONSOLE_URL }))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(t.ctx.store.readConfig()?.consoleUrl).toBe(CONSOLE_URL)
    t.fetch.verify()
  })
})

describe('login --with-api-key says what a browser login says', () => {
  test('--json: workspace_selected, then logged_in, with the same fields as a browser login', async () => {
    t = createTestContext({ env: { json: true } })
    t.fetch.on('GET', '/auth/validate', billed(50, true))
    t.fetch.on('GET', '/api/cli/config', json({ consoleUrl: CONSOLE_URL }))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    const billing = { balance: 50, hasPaymentMethod: true, ready: true }
    expect(t.ui.events).toEqual([
      { event: 'workspace_selected', workspace: WORKSPACE, billing },
      { event: 'logged_in', apiUrl: TEST_API, authType: 'api-key', user: USER, workspace: WORKSPACE, billing },
    ])
  })

  test.each([
    ['billing not set up', 0, false, 'billing_not_ready', "Billing isn't set up for Acme. Finish setup:"],
    ['a low balance', 0.42, true, 'low_balance', 'Low credit balance ($0.42) in Acme. Add credits:'],
  ] as const)('%s: the warning event and message, with the billing page', async (_name, balance, hasPaymentMethod, code, message) => {
    t = createTestContext({ env: { json: true } })
    t.fetch.on('GET', '/auth/validate', billed(balance, hasPaymentMethod))
    t.fetch.on('GET', '/api/cli/config', json({ consoleUrl: CONSOLE_URL }))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(t.ui.events.map((e) => e.event)).toEqual(['workspace_selected', 'warning', 'logged_in'])
    expect(t.ui.events[1]).toMatchObject({ code, url: `${CONSOLE_URL}/acme/settings/billing` })
    expect(t.ui.text).toContain(`warn: ${message}\n${CONSOLE_URL}/acme/settings/billing`)
    expect((await t.ctx.store.readAuth())?.apiKey).toBe('psk_live_abc123') // a warning never fails the login
  })

  test('the Console names no address: the warning says where in the Console to look, and offers no B', async () => {
    t = createTestContext({ interactive: true })
    t.fetch.on('GET', '/auth/validate', billed(0, false))
    t.fetch.on('GET', '/api/cli/config', json({ error: 'not_found' }, 404))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(t.ui.text).toContain("Billing isn't set up for Acme. Finish setup in Pensar Console under Settings > Billing.")
    expect(t.ui.prompts).toEqual([])
  })

  test('a person at the terminal (the key piped in): B opens the billing page through the terminal itself', async () => {
    t = createTestContext()
    const keyboard = new UiRecorder(true).answer('billing page', 'open')
    t.ctx.keyboardUi = async () => keyboard
    t.fetch.on('GET', '/auth/validate', billed(0.42, true))
    t.fetch.on('GET', '/api/cli/config', json({ consoleUrl: CONSOLE_URL }))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(keyboard.prompts.map((p) => p.message)).toEqual(['Open the billing page now?'])
    expect(t.browser.opened).toEqual([`${CONSOLE_URL}/acme/settings/billing`])
    expect(keyboard.text).toContain('Logged in as demo@pensar.local with an API key. Apex will use workspace Acme (acme), balance $0.42.')
  })

  test('nobody at a terminal (CI): the warning without a key prompt', async () => {
    t = createTestContext()
    t.ctx.keyboardUi = async () => undefined
    t.fetch.on('GET', '/auth/validate', billed(0.42, true))
    t.fetch.on('GET', '/api/cli/config', json({ consoleUrl: CONSOLE_URL }))
    await loginWithApiKey(t.ctx, piped('psk_live_abc123\n'))
    expect(t.ui.text).toContain('Low credit balance ($0.42)')
    expect(t.ui.prompts).toEqual([])
    expect(t.browser.opened).toEqual([])
  })
})
