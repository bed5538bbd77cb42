import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CancelledError, UsageError } from '../../../src/lib/errors'
import { login } from '../../../src/flows/login/login'
import { CodeExpiredError, DeniedError } from '../../../src/flows/login/poll-token'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { json, networkError, oauthError } from '../../helpers/fake-fetch'
import { FakeBrowser } from '../../helpers/fake-browser'
import { CANCEL } from '../../helpers/ui-recorder'
import {
  ACCESS_TOKEN, ACME, CONSOLE_URL, DEVICE_CODE, LOW, NO_BILLING, REFRESH_TOKEN, SIGNING_KEY, USER_CODE,
  stubDeviceCode, stubDiscovery, stubHappyPath, stubPolls, stubSelect, stubWorkspaces, tokenBody,
} from '../../helpers/console-stubs'
import { accessTokenExpiringIn, seedApiKeySession, seedWorkosSession, TOKEN_ENDPOINT } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const run = (opts: { workspace?: string; openBrowser?: boolean } = {}) => login(t.ctx, { openBrowser: true, ...opts })
const stored = async () => ({ config: t.ctx.store.readConfig(), auth: await t.ctx.store.readAuth() })
/** The connected screen's status check (GET {gateway}/gateway/validate). */
const stubValidate = (balance: number, ready: boolean) => t.fetch.on('GET', '/gateway/validate', json({ workspace: { id: 'ws_acme', name: 'Acme', slug: 'acme' }, credits: { balance }, billing: { ready, hasPaymentMethod: ready } }))
const filesInHome = () => { try { return readdirSync(t.home) } catch { return [] } }

describe('login: the happy path', () => {
  test('polls every interval, selects the only workspace and saves the session', async () => {
    t = createTestContext()
    stubHappyPath(t.fetch, { pending: 2 })
    await run()
    t.fetch.verify()
    expect(t.clock.sleeps).toEqual([5000, 5000, 5000])
    const { config, auth } = await stored()
    expect(config).toMatchObject({ version: 1, apiUrl: TEST_API, authType: 'workos', user: { email: 'demo@pensar.local' }, workspace: { id: 'ws_acme', slug: 'acme' }, gatewayUrl: 'https://gateway.test.pensar' })
    expect(auth).toMatchObject({ version: 1, accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, signingKey: SIGNING_KEY, clientId: 'client_cli', tokenEndpoint: `${TEST_API}/user_management/authenticate`, revocationEndpoint: `${TEST_API}/oauth/revoke` })
    expect(auth!.expiresAt).toBe(t.clock.now() + 300_000)
    expect(JSON.stringify(config)).not.toContain('rt_')
    expect(statSync(t.home).mode & 0o777).toBe(0o700)
    expect(statSync(t.ctx.store.paths.auth).mode & 0o777).toBe(0o600)
    expect(statSync(t.ctx.store.paths.config).mode & 0o777).toBe(0o600)
  })

  test('sends RFC 8628 form requests and never shows the device code', async () => {
    t = createTestContext()
    stubHappyPath(t.fetch, { pending: 0 })
    await run()
    const [device] = t.fetch.calls('/user_management/authorize/device')
    expect(device!.form).toEqual({ client_id: 'client_cli', scope: 'openid profile email offline_access' })
    const [poll] = t.fetch.calls('/user_management/authenticate')
    expect(poll!.form).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: DEVICE_CODE, client_id: 'client_cli' })
    expect(t.fetch.calls('/api/cli/workspaces')[0]!.headers.get('authorization')).toBe(`Bearer ${ACCESS_TOKEN}`)
    expect(t.fetch.calls('/api/cli/select-workspace')[0]!.json).toEqual({ workspaceId: 'ws_acme' })
    const everythingSaid = JSON.stringify([t.ui.lines, t.ui.codes, t.ui.events])
    expect(everythingSaid).not.toContain(DEVICE_CODE)
    expect(everythingSaid).not.toContain(ACCESS_TOKEN)
  })

  test('opens verification_uri_complete and shows the code, or skips the browser with --no-browser', async () => {
    t = createTestContext()
    stubHappyPath(t.fetch)
    await run()
    expect(t.browser.opened).toEqual([`${CONSOLE_URL}/device?user_code=${USER_CODE}`])
    expect(t.ui.codes[0]).toMatchObject({ userCode: USER_CODE, verificationUri: `${CONSOLE_URL}/device`, expiresInSec: 600, browser: { opened: true } })
    t.cleanup()
    t = createTestContext()
    stubHappyPath(t.fetch)
    await run({ openBrowser: false })
    expect(t.browser.opened).toEqual([])
    expect(t.ui.codes[0]!.browser).toEqual({ skipped: true })
  })

  test('emits the --json events in order', async () => {
    t = createTestContext()
    stubHappyPath(t.fetch)
    await run()
    expect(t.ui.events.map((e) => e.event)).toEqual(['device_code', 'authorized', 'workspace_selected', 'logged_in'])
    expect(t.ui.events[0]).toEqual({ event: 'device_code', user_code: USER_CODE, verification_uri: `${CONSOLE_URL}/device`, verification_uri_complete: `${CONSOLE_URL}/device?user_code=${USER_CODE}`, expires_in: 600 })
    expect(t.ui.events[2]).toMatchObject({ workspace: { slug: 'acme' }, billing: { balance: 50, ready: true } })
    expect(t.ui.events[3]).toMatchObject({ authType: 'workos', user: { email: 'demo@pensar.local' }, workspace: { slug: 'acme' } })
  })
})

describe('login: polling (RFC 8628 §3.5)', () => {
  test('slow_down adds 5 seconds to every later wait', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    t.fetch.on('POST', '/user_management/authenticate', oauthError('authorization_pending'))
    t.fetch.on('POST', '/user_management/authenticate', oauthError('slow_down'))
    t.fetch.on('POST', '/user_management/authenticate', oauthError('authorization_pending'))
    t.fetch.on('POST', '/user_management/authenticate', json(tokenBody()))
    stubWorkspaces(t.fetch, [ACME])
    stubSelect(t.fetch, ACME)
    await run()
    expect(t.clock.sleeps).toEqual([5000, 5000, 10000, 10000])
  })

  test('waits 5 seconds when the server names no interval', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch, { interval: undefined })
    stubPolls(t.fetch, 1)
    stubWorkspaces(t.fetch, [ACME])
    stubSelect(t.fetch, ACME)
    await run()
    expect(t.clock.sleeps).toEqual([5000, 5000])
  })

  test('access_denied stops at once and leaves nothing on disk', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 1, oauthError('access_denied'))
    const error = await run().catch((e) => e)
    expect(error).toBeInstanceOf(DeniedError)
    expect(error.message).toBe('Authorization was denied in the browser.')
    expect(t.fetch.calls('/user_management/authenticate')).toHaveLength(2)
    expect(filesInHome()).toEqual([])
    t.fetch.verify()
  })

  test('a bare 400 without an OAuth error is an error, not "pending"', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    t.fetch.on('POST', '/user_management/authenticate', json({ message: 'bad' }, 400))
    const error = await run().catch((e) => e)
    expect(error.message).toContain('answered 400')
    expect(t.fetch.calls('/user_management/authenticate')).toHaveLength(1)
  })

  test('expired_token without a terminal: exit with "The code expired"', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 3, oauthError('expired_token'))
    const error = await run().catch((e) => e)
    expect(error).toBeInstanceOf(CodeExpiredError)
    expect(error.message).toBe('The code expired. Run `pensar login` again.')
    expect(filesInHome()).toEqual([])
  })

  test('stops polling when the lifetime passes even if the server keeps saying pending', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch, { expires_in: 600 })
    t.fetch.on('POST', '/user_management/authenticate', oauthError('authorization_pending'), Infinity)
    const error = await run().catch((e) => e)
    expect(error).toBeInstanceOf(CodeExpiredError)
    expect(t.clock.sleptMs).toBe(600_000)
    expect(t.fetch.calls('/user_management/authenticate')).toHaveLength(120)
  })

  test('on a terminal an expired code is replaced by a fresh one (Enter)', async () => {
    t = createTestContext({ interactive: true })
    t.ui.answer('fresh code', true)
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0, oauthError('expired_token'))
    stubDeviceCode(t.fetch, { user_code: 'ZZZZ-XXXX' })
    stubPolls(t.fetch, 0)
    stubWorkspaces(t.fetch, [ACME])
    stubSelect(t.fetch, ACME)
    await run()
    t.fetch.verify()
    expect(t.ui.codes.map((c) => c.userCode)).toEqual([USER_CODE, 'ZZZZ-XXXX'])
    expect((await stored()).auth?.accessToken).toBe(ACCESS_TOKEN)
  })

  test('on a terminal Esc after expiry quits with the expiry error', async () => {
    t = createTestContext({ interactive: true })
    t.ui.answer('fresh code', false)
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0, oauthError('expired_token'))
    expect(await run().catch((e) => e)).toBeInstanceOf(CodeExpiredError)
  })

  test('network errors, 500s and 429 back off (honouring Retry-After) and then succeed', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    t.fetch.on('POST', '/user_management/authenticate', networkError())
    t.fetch.on('POST', '/user_management/authenticate', json({ error: 'server_error' }, 500))
    t.fetch.on('POST', '/user_management/authenticate', json({ error: 'rate_limited' }, 429, { 'retry-after': '7' }))
    t.fetch.on('POST', '/user_management/authenticate', json(tokenBody()))
    stubWorkspaces(t.fetch, [ACME])
    stubSelect(t.fetch, ACME)
    await run()
    t.fetch.verify()
    // 5 s interval, then backoff 5 s (network), 10 s (500), 7 s (Retry-After).
    expect(t.clock.sleeps).toEqual([5000, 5000, 10000, 7000])
    expect((await stored()).auth?.accessToken).toBe(ACCESS_TOKEN)
  })

  test('rate-limited device authorization with a long Retry-After: said at once, never slept through', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    t.fetch.on('POST', '/user_management/authorize/device', json({ error: 'too_many_requests', error_description: 'Too many logins were started from this address. Try again in 15 minutes.' }, 429, { 'retry-after': '900' }))
    const error = await run().catch((e) => e)
    expect(error.message).toBe('Pensar Console is limiting login requests from this address; try again in 15 minutes.')
    expect(error.code).toBe('rate_limited')
    expect(t.clock.sleeps).toEqual([]) // no silent wait of 15 minutes (nor of the 5 a cap once allowed)
    expect(t.fetch.calls('/user_management/authorize/device')).toHaveLength(1)
  })

  test('a short Retry-After on device authorization is waited out and retried', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    t.fetch.on('POST', '/user_management/authorize/device', json({ error: 'too_many_requests' }, 429, { 'retry-after': '2' }))
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0)
    stubWorkspaces(t.fetch, [ACME])
    stubSelect(t.fetch, ACME)
    await run()
    expect(t.clock.sleeps[0]).toBe(2000)
    t.fetch.verify()
  })

  test('a Console unreachable until the code expires: the error says so', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch, { expires_in: 60 })
    t.fetch.on('POST', '/user_management/authenticate', networkError('connection refused'), Infinity)
    const error = await run().catch((e) => e)
    expect(error).toBeInstanceOf(CodeExpiredError)
    expect(error.message).toContain('before Pensar Console could confirm it: Could not reach')
    expect(error.message).toContain('connection refused')
    expect(t.clock.sleptMs).toBe(60_000)
  })

  test('a plain-http API on another host gets a warning', async () => {
    t = createTestContext({ env: { apiUrl: 'http://console.example', apiUrlExplicit: true } })
    t.fetch.on('GET', 'http://console.example/api/cli/config', json({ error: 'nope' }, 500), 2)
    await run().catch(() => {})
    expect(t.ui.text).toContain('http://console.example is not https')
  })

  test('the first success ends polling: the code is not polled again', async () => {
    t = createTestContext()
    stubHappyPath(t.fetch, { pending: 0 })
    await run()
    expect(t.fetch.calls('/user_management/authenticate')).toHaveLength(1)
  })
})

describe('login: workspaces', () => {
  test('several workspaces without a terminal and without --workspace: usage error listing slugs', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0)
    stubWorkspaces(t.fetch, [ACME, LOW, NO_BILLING])
    t.fetch.on('POST', '/oauth/revoke', json({}))
    const error = await run().catch((e) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toContain('acme, low-balance, no-billing')
    expect(filesInHome()).toEqual([])
  })

  test('--workspace picks by slug (or id) and always wins', async () => {
    t = createTestContext({ interactive: true })
    t.ui.answer('billing page', 'continue')
    stubHappyPath(t.fetch, { workspaces: [ACME, LOW], select: LOW })
    await run({ workspace: 'LOW-balance' })
    expect(t.ui.prompts.map((p) => p.kind)).toEqual(['pressKey'])
    expect(t.fetch.calls('/api/cli/select-workspace')[0]!.json).toEqual({ workspaceId: 'ws_low' })
    expect((await stored()).config?.workspace?.slug).toBe('low-balance')
  })

  test('an unknown --workspace is a usage error naming the choices', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0)
    stubWorkspaces(t.fetch, [ACME, LOW])
    t.fetch.on('POST', '/oauth/revoke', json({}))
    const error = await run({ workspace: 'nope' }).catch((e) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toContain('acme, low-balance')
  })

  test('on a terminal: a select with balances in every label, the last-used one preselected', async () => {
    t = createTestContext({ interactive: true })
    t.ctx.store.writeConfig({ lastWorkspaceId: 'ws_low' })
    t.ui.answer('Which workspace', (options: { value: unknown }[]) => options[2]!.value)
    t.ui.answer('billing page', 'continue')
    stubHappyPath(t.fetch, { workspaces: [ACME, LOW, NO_BILLING], select: NO_BILLING })
    await run()
    const prompt = t.ui.prompts.find((p) => p.kind === 'select')!
    expect(prompt.options.map((o) => o.label)).toEqual(['Acme (acme) — $50.00', 'Low Balance (low-balance) — $0.42', 'No Billing (no-billing) — $0.00'])
    expect(prompt.initial).toMatchObject({ id: 'ws_low' })
    expect((await stored()).config?.workspace?.slug).toBe('no-billing')
  })

  test('no workspace yet: sends the person to create one and waits for it', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0)
    stubWorkspaces(t.fetch, [], 3)
    stubWorkspaces(t.fetch, [ACME])
    stubSelect(t.fetch, ACME)
    await run()
    t.fetch.verify()
    expect(t.browser.opened).toContain(`${CONSOLE_URL}/workspaces/new`)
    expect(t.ui.text).toContain(`${CONSOLE_URL}/workspaces/new`)
    expect(t.clock.sleeps.slice(1)).toEqual([3000, 3000, 3000])
  })

  test('no workspace within 5 minutes: a clear error', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0)
    stubWorkspaces(t.fetch, [], Infinity)
    t.fetch.on('POST', '/oauth/revoke', json({}))
    const error = await run().catch((e) => e)
    expect(error.message).toBe('No workspace appeared within 5 minutes.')
    expect(error.hint).toContain('/workspaces/new')
  })
})

describe('login: billing warnings', () => {
  test('billing not ready: a warning with the billing URL, and login still succeeds', async () => {
    t = createTestContext()
    stubHappyPath(t.fetch, { workspaces: [NO_BILLING] })
    await run()
    expect(t.ui.text).toContain(`Billing isn't set up for No Billing. Finish setup:\n${CONSOLE_URL}/no-billing/settings/billing`)
    expect(t.ui.events.find((e) => e.event === 'warning')).toMatchObject({ code: 'billing_not_ready' })
    expect((await stored()).config?.workspace?.slug).toBe('no-billing')
  })

  test('low balance: "Low credit balance ($0.42)"; on a terminal B opens the billing page', async () => {
    t = createTestContext({ interactive: true })
    t.ui.answer('billing page', 'open')
    stubHappyPath(t.fetch, { workspaces: [LOW] })
    await run()
    expect(t.ui.text).toContain('Low credit balance ($0.42)')
    expect(t.browser.opened).toContain(`${CONSOLE_URL}/low-balance/settings/billing`)
    // B during login says what it did, as B on the /login screen does; the question does not repeat the keys.
    expect(t.ui.prompts[0]).toMatchObject({ message: 'Open the billing page now?', options: [{ label: 'b: open billing page' }, { label: 'enter: continue' }] })
    expect(t.ui.text).toContain('warn: Low credit balance ($0.42) in Low Balance. Add credits:')
    expect(t.ui.text).toContain('success: Opened the billing page in your browser.\nsuccess: Logged in as demo@pensar.local.')
  })

  test('B when no browser opens: says why, and where the page is', async () => {
    t = createTestContext({ interactive: true, browser: new FakeBrowser({ opened: false, reason: 'no display' }) })
    t.ui.answer('billing page', 'open')
    stubHappyPath(t.fetch, { workspaces: [LOW] })
    await run()
    expect(t.ui.text).toContain(`warn: Could not open a browser (no display). The billing page is at:\n${CONSOLE_URL}/low-balance/settings/billing`)
  })

  test('no warning and no prompt for a funded workspace', async () => {
    t = createTestContext({ interactive: true })
    stubHappyPath(t.fetch)
    await run()
    expect(t.ui.lines.filter((l) => l.kind === 'warn')).toEqual([])
    expect(t.ui.prompts).toEqual([])
  })
})

describe('login: cancelling', () => {
  test('Ctrl-C while polling: "Login cancelled." and nothing on disk', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    t.fetch.on('POST', '/user_management/authenticate', () => {
      t.abort.abort(new CancelledError())
      return oauthError('authorization_pending')
    })
    const error = await run().catch((e) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(error.message).toBe('Login cancelled.')
    expect(filesInHome()).toEqual([])
  })

  test('a session abandoned after approval is revoked on the server', async () => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0)
    stubWorkspaces(t.fetch, [ACME, LOW])
    t.fetch.on('POST', '/oauth/revoke', json({}))
    expect(await run().catch((e) => e)).toBeInstanceOf(UsageError)
    expect(t.fetch.calls('/oauth/revoke')[0]!.form).toEqual({ token: REFRESH_TOKEN, token_type_hint: 'refresh_token', client_id: 'client_cli' })
    t.fetch.verify()
  })

  test('Ctrl-C at the workspace prompt keeps the previous session untouched', async () => {
    t = createTestContext({ interactive: true })
    await t.ctx.store.saveSession({ config: { workspace: { id: 'ws_old', name: 'Old', slug: 'old' } }, auth: { authType: 'workos', accessToken: 'old-token' } })
    const before = await stored()
    stubValidate(50, true)
    t.ui.answer('What next?', 'relogin')
    t.ui.answer('Which workspace', CANCEL)
    stubHappyPath(t.fetch, { workspaces: [ACME, LOW] })
    t.fetch.on('POST', '/oauth/revoke', json({}))
    const error = await run().catch((e) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(await stored()).toEqual(before)
  })
})

describe('login: already connected', () => {
  const seed = () => t.ctx.store.saveSession({
    config: { apiUrl: TEST_API, authType: 'workos', user: { id: 'user_1', email: 'demo@pensar.local' }, workspace: { id: 'ws_acme', name: 'Acme', slug: 'acme' }, consoleUrl: CONSOLE_URL },
    auth: { authType: 'workos', accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, signingKey: 'sk_old_signing_key' },
  })

  test('shows the connection with its balance; Enter keeps it', async () => {
    t = createTestContext({ interactive: true })
    await seed()
    const before = await stored()
    stubValidate(50, true)
    t.ui.answer('What next?', 'back')
    expect(await run()).toEqual({ outcome: 'kept' })
    expect(t.ui.text).toContain('demo@pensar.local')
    expect(t.ui.text).toContain('Acme (acme)')
    expect(t.ui.text).toContain('$50.00')
    expect(t.ui.text).toContain('Billing:   ready')
    // The interactive /login screen's keys, plus L and Enter.
    expect(t.ui.prompts[0]!.options.map((o) => o.label)).toEqual(['s: switch workspace', 'b: open billing page', 'l: log in again', 'd: disconnect', 'enter: keep', 'escape: cancel'])
    expect(t.ui.prompts[0]!.options.filter((o) => o.value === 'back').length).toBe(2) // Enter and Esc both keep it
    expect(await stored()).toEqual(before)
    t.fetch.verify()
  })

  test('switch workspace reuses the session and saves the new workspace', async () => {
    t = createTestContext({ interactive: true })
    await seed()
    stubValidate(50, true)
    stubWorkspaces(t.fetch, [ACME, LOW])
    t.ui.answer('What next?', 'switch')
    t.ui.answer('Which workspace', (options: { value: { slug: string } }[]) => options.find((o) => o.value.slug === 'low-balance')!.value)
    t.ui.answer('billing page', 'continue')
    stubSelect(t.fetch, LOW)
    expect(await run()).toEqual({ outcome: 'switched' })
    const { config, auth } = await stored()
    expect(config?.workspace?.slug).toBe('low-balance')
    expect(auth).toMatchObject({ accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, signingKey: SIGNING_KEY })
    t.fetch.verify()
  })

  test('with --api-url naming another Console, no menu: a fresh login there', async () => {
    t = createTestContext({ interactive: true, env: { apiUrlExplicit: true } })
    await t.ctx.store.saveSession({ config: { apiUrl: 'https://other.console', workspace: { id: 'ws_x', name: 'X', slug: 'x' } }, auth: { authType: 'workos', accessToken: 'a' } })
    stubHappyPath(t.fetch)
    expect(await run()).toEqual({ outcome: 'logged_in' })
    expect(t.ui.prompts).toEqual([])
    expect((await stored()).config?.apiUrl).toBe(TEST_API)
  })

  test('D disconnects: the secrets are gone, the last workspace is remembered', async () => {
    t = createTestContext({ interactive: true })
    await seed()
    stubValidate(50, true)
    t.ui.answer('What next?', 'disconnect')
    expect(await run()).toEqual({ outcome: 'disconnected' })
    expect((await stored()).auth).toBeUndefined()
    expect((await stored()).config?.workspace).toBeUndefined()
  })

  test('S honours the flags of `pensar login` (--workspace skips the list)', async () => {
    t = createTestContext({ interactive: true })
    await seed()
    stubValidate(50, true)
    stubWorkspaces(t.fetch, [ACME, LOW])
    stubSelect(t.fetch, LOW)
    t.ui.answer('What next?', 'switch')
    t.ui.answer('billing page', 'continue')
    expect(await run({ workspace: 'low-balance', openBrowser: false })).toEqual({ outcome: 'switched' })
    expect(t.ui.prompts.map((p) => p.kind)).toEqual(['pressKey', 'pressKey']) // the screen, then the billing key: no workspace list
    expect((await stored()).config?.workspace?.slug).toBe('low-balance')
    t.fetch.verify()
  })

  test('L logs in again with the device flow and replaces the session', async () => {
    t = createTestContext({ interactive: true })
    await seed()
    stubValidate(50, true)
    stubHappyPath(t.fetch, { workspaces: [ACME] })
    t.ui.answer('What next?', 'relogin')
    expect(await run()).toEqual({ outcome: 'logged_in' })
    expect(t.ui.codes).toHaveLength(1)
    expect((await stored()).auth?.signingKey).toBe(SIGNING_KEY)
    t.fetch.verify()
  })

  test('a session the Console ended: no screen, it says so and logs in again', async () => {
    t = createTestContext({ interactive: true })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', TOKEN_ENDPOINT, oauthError('invalid_grant'))
    stubHappyPath(t.fetch, { workspaces: [ACME] })
    expect(await run()).toEqual({ outcome: 'logged_in' })
    expect(t.ui.prompts).toEqual([])
    expect(t.ui.text).toContain('Your Pensar Console session has expired; logging in again.')
    expect((await stored()).auth?.refreshToken).toBe(REFRESH_TOKEN)
    t.fetch.verify()
  })

  test('S with an API key cannot switch: it logs in again instead', async () => {
    t = createTestContext({ interactive: true })
    await seedApiKeySession(t.ctx, 'psk_storedkey0123456789')
    stubValidate(50, true)
    stubHappyPath(t.fetch, { workspaces: [ACME] })
    t.ui.answer('What next?', 'switch')
    expect(await run()).toEqual({ outcome: 'logged_in' })
    expect(t.ui.text).toContain('This computer is connected with an API key, which belongs to one workspace (Acme, acme). Logging in again to choose another workspace.')
    expect((await stored()).auth).toMatchObject({ authType: 'workos', refreshToken: REFRESH_TOKEN })
    expect((await stored()).auth?.apiKey).toBeUndefined()
    t.fetch.verify()
  })

  test('logging in again ends the replaced session on the server', async () => {
    t = createTestContext()
    await t.ctx.store.saveSession({
      config: { apiUrl: TEST_API, authType: 'workos', workspace: { id: 'ws_acme', name: 'Acme', slug: 'acme' } },
      auth: { authType: 'workos', accessToken: 'old-access', refreshToken: 'rt_old_refresh_token', clientId: 'client_cli', revocationEndpoint: `${TEST_API}/oauth/revoke`, sessionExpiredAt: 1 },
    })
    stubHappyPath(t.fetch)
    t.fetch.on('POST', '/oauth/revoke', json({}))
    await run()
    t.fetch.verify()
    expect(t.fetch.calls('/oauth/revoke')[0]!.form).toEqual({ token: 'rt_old_refresh_token', token_type_hint: 'refresh_token', client_id: 'client_cli' })
    expect((await stored()).auth).toMatchObject({ refreshToken: REFRESH_TOKEN })
    expect((await stored()).auth?.sessionExpiredAt).toBeUndefined()
  })

  test('a failed revocation of the replaced session does not fail the login', async () => {
    t = createTestContext()
    await t.ctx.store.saveSession({ config: { workspace: { id: 'ws_acme', name: 'Acme', slug: 'acme' } }, auth: { authType: 'workos', refreshToken: 'rt_old_refresh_token', accessToken: 'a', revocationEndpoint: `${TEST_API}/oauth/revoke` } })
    stubHappyPath(t.fetch)
    t.fetch.on('POST', '/oauth/revoke', networkError())
    expect(await run()).toEqual({ outcome: 'logged_in' })
  })

  test('without a terminal it simply logs in again', async () => {
    t = createTestContext()
    await seed()
    stubHappyPath(t.fetch, { workspaces: [LOW] })
    await run()
    expect(t.ui.prompts).toEqual([])
    expect((await stored()).config?.workspace?.slug).toBe('low-balance')
    expect((await stored()).auth?.signingKey).toBe(SIGNING_KEY)
  })
})

describe('login: discovery', () => {
  test('an API without /api/cli/config uses the legacy flow and saves an API key', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/api/cli/config', json({ error: 'not_found' }, 404))
    t.fetch.on('POST', '/auth/device/code', json({ deviceCode: DEVICE_CODE, userCode: USER_CODE, verificationUri: `${CONSOLE_URL}/device`, verificationUriComplete: `${CONSOLE_URL}/device?user_code=${USER_CODE}`, expiresIn: 600, interval: 5 }))
    t.fetch.on('POST', '/auth/device/token', json({ status: 'pending' }))
    t.fetch.on('POST', '/auth/device/token', json({ status: 'complete', apiKey: 'psk_secretkey123456', workspace: { id: 'ws_acme', name: 'Acme', slug: 'acme' }, credits: { balance: 50 }, signingKey: SIGNING_KEY, gatewayUrl: 'https://gw', user: { id: 'u', email: 'demo@pensar.local' } }))
    t.fetch.on('GET', '/auth/validate', json({ valid: true, billing: { balance: 50, hasPaymentMethod: true, ready: true } }))
    await run()
    t.fetch.verify()
    expect(t.fetch.calls('/auth/device/token')[0]!.json).toEqual({ deviceCode: DEVICE_CODE })
    expect((await stored()).config).toMatchObject({ authType: 'api-key', workspace: { slug: 'acme' } })
    expect((await stored()).auth).toMatchObject({ authType: 'api-key', apiKey: 'psk_secretkey123456', signingKey: SIGNING_KEY })
  })

  test('the legacy flow reports a denial', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/api/cli/config', json({ error: 'not_found' }, 404))
    t.fetch.on('POST', '/auth/device/code', json({ deviceCode: DEVICE_CODE, userCode: USER_CODE, verificationUri: `${CONSOLE_URL}/device`, expiresIn: 600, interval: 5 }))
    t.fetch.on('POST', '/auth/device/token', json({ status: 'denied' }))
    expect(await run().catch((e) => e)).toBeInstanceOf(DeniedError)
  })

  test('a config with only workosClientId uses WorkOS endpoints', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/api/cli/config', json({ workosClientId: 'client_w' }))
    t.fetch.on('POST', 'https://api.workos.com/user_management/authorize/device', json({ error: 'invalid_client' }, 401))
    const error = await run().catch((e) => e)
    expect(error.message).toContain('https://api.workos.com/user_management/authorize/device answered 401')
    expect(t.fetch.requests.at(-1)!.form).toMatchObject({ client_id: 'client_w' })
  })

  for (const [name, userCode] of [
    ['an escape sequence', 'BCDF\x1b[2J'],
    ['a bidi override', 'BCDF\u202eKHGJ'],
    ['a zero-width space', 'BCDF\u200b-GHJK'],
    ['a line break', 'BCDF\nGHJK'],
    ['punctuation', 'BCDF_GHJK;'],
    ['letters beyond ASCII', 'ВСDF-GHJK'],
    ['more than 32 characters', 'A'.repeat(33)],
  ] as const) {
    test(`a user code with ${name} is refused: nothing shown, opened, polled or stored`, async () => {
      t = createTestContext()
      stubDiscovery(t.fetch)
      stubDeviceCode(t.fetch, { user_code: userCode })
      const error = await run().catch((e) => e)
      expect(error.message).toBe("Pensar Console sent a code that can't be shown safely.")
      expect(error.code).toBe('unsafe_code')
      expect(error.exitCode).toBe(1)
      expect(t.ui.codes).toEqual([])
      expect(t.ui.events).toEqual([])
      expect(t.browser.opened).toEqual([])
      expect(t.fetch.calls('/user_management/authenticate')).toEqual([])
      expect(filesInHome()).toEqual([])
      t.fetch.verify()
    })
  }

  test('a code of letters, digits, spaces and dashes, up to 32, is shown', async () => {
    const userCode = 'abcd 1234-WXYZ 5678-efgh 9012-IJ'
    expect(userCode).toHaveLength(32)
    t = createTestContext()
    stubHappyPath(t.fetch, { pending: 0, deviceCode: { user_code: userCode } })
    await run()
    t.fetch.verify()
    expect(t.ui.codes.map((c) => c.userCode)).toEqual([userCode])
  })

  for (const [name, uri] of [
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['non-loopback http:', 'http://evil.example/device'],
  ] as const) {
    test(`a ${name} verification_uri is refused and never opened`, async () => {
      t = createTestContext()
      stubDiscovery(t.fetch)
      stubDeviceCode(t.fetch, { verification_uri: uri, verification_uri_complete: undefined })
      const error = await run().catch((e) => e)
      expect(error.code).toBe('unsafe_url')
      expect(error.message).toContain('unsafe verification address')
      expect(t.browser.opened).toEqual([])
      expect(t.ui.codes).toEqual([])
    })
  }
})

describe('login: names for display', () => {
  test('a workspace name and an email over 200 characters are cut with … on screen, kept whole in the files and --json', async () => {
    const name = `Acme ${'n'.repeat(400)}`
    const email = `${'e'.repeat(300)}@example.com`
    const ws = { ...ACME, name }
    t = createTestContext()
    stubHappyPath(t.fetch, { pending: 0, workspaces: [ws], token: { user: { id: 'user_1', email } } })
    await run()
    const success = t.ui.lines.find((l) => l.kind === 'success' && l.text.startsWith('Logged in'))!.text
    expect(success).toContain(` as ${email.slice(0, 199)}…. `)
    expect(success).toContain(`workspace ${name.slice(0, 199)}… (acme)`)
    expect(success).not.toContain(name)
    expect((await stored()).config).toMatchObject({ user: { email }, workspace: { name } })
    expect(t.ui.events.find((e) => e.event === 'logged_in')).toMatchObject({ user: { email }, workspace: { name } })
  })
})

describe('login: addresses from the Console that credentials or people would follow', () => {
  test.each([
    ['gatewayUrl', 'select-workspace', 'http://gateway.elsewhere.test'],
    ['billingUrl', 'select-workspace', 'javascript:alert(1)'],
    ['consoleUrl', 'workspaces', 'file:///etc/passwd'],
  ])('an unsafe %s stops the login with an error naming it; the session is ended and nothing is saved', async (field, route, value) => {
    t = createTestContext()
    stubDiscovery(t.fetch)
    stubDeviceCode(t.fetch)
    stubPolls(t.fetch, 0)
    if (route === 'workspaces') t.fetch.on('GET', '/api/cli/workspaces', json({ workspaces: [ACME], consoleUrl: value }))
    else stubWorkspaces(t.fetch, [ACME])
    if (route === 'select-workspace') {
      t.fetch.on('POST', '/api/cli/select-workspace', json({ confirmed: true, workspace: ACME, billing: { balance: 50, hasPaymentMethod: true, ready: true }, signingKey: SIGNING_KEY, [field]: value }))
    }
    t.fetch.on('POST', '/oauth/revoke', json({}))
    const error = await run({ workspace: 'acme' }).catch((e) => e)
    expect(error.code).toBe('unsafe_url')
    expect(error.message).toContain(`unsafe ${field}`)
    expect(t.fetch.calls('/oauth/revoke')).toHaveLength(1)
    expect(filesInHome()).toEqual([])
  })

  test('a PENSAR_HOME where nothing can be saved stops the login before any request', async () => {
    t = createTestContext()
    mkdirSync(join(t.home, '..'), { recursive: true })
    writeFileSync(t.home, 'a file where the folder should be')
    const error = await run().catch((e) => e)
    expect(error.code).toBe('store_failed')
    expect(error.message).toContain('is not a folder')
    expect(error.message).toContain('A login could not be saved, so none was started.')
    expect(t.fetch.requests).toHaveLength(0)
  })
})
