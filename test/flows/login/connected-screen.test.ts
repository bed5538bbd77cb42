import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { connectedScreen } from '../../../src/flows/login/connected-screen'
import { readStoredSession } from '../../../src/flows/login/existing-session'
import { CancelledError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { fakeKeychain, FakeSecrets } from '../../helpers/fake-keychain'
import { json, networkError, oauthError } from '../../helpers/fake-fetch'
import { CANCEL } from '../../helpers/ui-recorder'
import { accessTokenExpiringIn, refreshedTokens, seedWorkosSession, TOKEN_ENDPOINT, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const VALIDATE = '/gateway/validate'
const BILLING_URL = `${TEST_API}/acme/settings/billing`
const validated = (balance: number, ready: boolean) => json({ workspace: WORKSPACE, credits: { balance }, billing: { ready, hasPaymentMethod: ready } })
const OTHER = { id: 'ws_other', name: 'Other', slug: 'other', balance: 7, hasPaymentMethod: true }

async function connected(validate: Parameters<typeof t.fetch.on>[2] = validated(50, true), secrets?: FakeSecrets) {
  t = createTestContext({ interactive: true, ...(secrets && { keychain: fakeKeychain(secrets).keychain, credentialMode: 'keychain' as const }) })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000) })
  t.fetch.on('GET', VALIDATE, validate)
  return t
}

async function show() {
  return connectedScreen(t.ctx, (await readStoredSession(t.ctx))!)
}

const screenText = () => t.ui.text
const files = () => [readFileSync(t.ctx.store.paths.config, 'utf8'), readFileSync(t.ctx.store.paths.auth, 'utf8')]

describe('the /login screen', () => {
  test('shows user, workspace, balance and billing, with every key on screen; Esc goes back unchanged', async () => {
    await connected()
    const before = files()
    t.ui.answer('What next?', 'back')
    expect(await show()).toBe('back')
    expect(screenText()).toContain('User:      demo@pensar.local')
    expect(screenText()).toContain('Workspace: Acme (acme)')
    expect(screenText()).toContain('Balance:   $50.00')
    expect(screenText()).toContain('Billing:   ready')
    expect(t.ui.prompts[0]!.options.map((o) => o.label)).toEqual(['s: switch workspace', 'b: open billing page', 'd: disconnect', 'escape: back'])
    expect(t.ui.lines.at(-1)).toEqual({ kind: 'info', text: 'Kept the connection as it is.' }) // every key ends with a sentence
    expect(files()).toEqual(before)
    t.fetch.verify()
  })

  test('for `pensar login` it can also offer L, log in again', async () => {
    await connected()
    t.ui.answer('What next?', 'relogin')
    expect(await connectedScreen(t.ctx, (await readStoredSession(t.ctx))!, { offerRelogin: true })).toBe('relogin')
    expect(t.ui.prompts[0]!.options.map((o) => o.label)).toContain('l: log in again')
    expect(t.ui.prompts[0]!.options.map((o) => o.label)).toEqual(['s: switch workspace', 'b: open billing page', 'l: log in again', 'd: disconnect', 'enter: keep', 'escape: cancel'])
    expect(t.ui.lines.at(-1)).toEqual({ kind: 'info', text: 'Logging in again.' })
  })

  test('for `pensar login`, Enter keeps the connection and nothing changes on disk', async () => {
    await connected()
    const before = files()
    t.ui.answer('What next?', (options: { value: unknown; label: string }[]) => options.find((o) => o.label.startsWith('enter:'))!.value)
    expect(await connectedScreen(t.ctx, (await readStoredSession(t.ctx))!, { offerRelogin: true })).toBe('back')
    expect(t.ui.lines.at(-1)).toEqual({ kind: 'info', text: 'Kept the connection as it is.' })
    expect(files()).toEqual(before)
  })

  test('billing not set up names the B key, and B opens the billing page', async () => {
    await connected(validated(0, false))
    t.ui.answer('What next?', 'billing', 'back')
    expect(await show()).toBe('back')
    expect(screenText()).toContain('Billing:   not set up — press B to open the billing page')
    expect(t.browser.opened).toEqual([BILLING_URL])
    expect(screenText()).toContain('success: Opened the billing page in your browser.')
  })

  test('a low balance names the B key too', async () => {
    await connected(validated(0.42, true))
    t.ui.answer('What next?', 'back')
    await show()
    expect(screenText()).toContain('Balance:   $0.42')
    expect(screenText()).toContain('Billing:   low balance — press B to open the billing page')
  })

  test('D disconnects: the tokens are gone from PENSAR_HOME', async () => {
    await connected()
    t.fetch.on('POST', '/oauth/revoke', json({}))
    t.ui.answer('What next?', 'disconnect')
    expect(await show()).toBe('disconnected')
    expect(t.ui.lines.at(-1)).toEqual({ kind: 'success', text: 'Disconnected. Run `pensar login` to connect again.' })
    expect(await t.ctx.store.readAuth()).toBeUndefined()
    expect(t.ctx.store.readConfig()?.workspace).toBeUndefined()
    expect(t.fetch.calls('/oauth/revoke')[0]?.form?.token).toBe('rt_original0123456789') // this device's session ends at the Console too
  })

  test('D with the session in the OS keychain removes its entry, and leaves no file', async () => {
    const secrets = new FakeSecrets()
    await connected(validated(50, true), secrets)
    expect(Object.keys(secrets.sessions())).toEqual([`session ${TEST_API} ${t.ctx.store.paths.home}`])
    t.fetch.on('POST', '/oauth/revoke', json({}))
    t.ui.answer('What next?', 'disconnect')
    expect(await show()).toBe('disconnected')
    expect(secrets.entries.size).toBe(0)
    expect(existsSync(t.ctx.store.paths.auth)).toBe(false)
    expect(t.ctx.store.readConfig()).not.toHaveProperty('credentialStore')
    expect(t.fetch.calls('/oauth/revoke')[0]?.form?.token).toBe('rt_original0123456789')
  })

  test('S switches the workspace with the arrow-key list and stores the new one', async () => {
    await connected()
    t.fetch.on('GET', '/api/cli/workspaces', json({ workspaces: [{ ...WORKSPACE, balance: 50, hasPaymentMethod: true }, OTHER] }))
    t.fetch.on('POST', '/api/cli/select-workspace', json({ confirmed: true, workspace: OTHER, billing: { balance: 7, hasPaymentMethod: true, ready: true }, signingKey: 'sk_other0123456789' }))
    t.ui.answer('What next?', 'switch')
    t.ui.answer('Which workspace', (options: { value: unknown }[]) => options[1]!.value)
    expect(await show()).toBe('switched')
    // "Switched", not "Logged in": the same session, another workspace.
    expect(t.ui.lines.at(-1)).toEqual({ kind: 'success', text: 'Switched to workspace Other (other), balance $7.00. Apex uses it from now on.' })
    expect(t.ui.text).not.toContain('Logged in')
    expect(t.ctx.store.readConfig()?.workspace).toEqual({ id: OTHER.id, name: OTHER.name, slug: OTHER.slug })
    expect((await t.ctx.store.readAuth())?.signingKey).toBe('sk_other0123456789')
    t.fetch.verify()
  })

  test('Esc in the workspace list cancels the step and leaves the stored state unchanged', async () => {
    await connected()
    const before = files()
    t.fetch.on('GET', '/api/cli/workspaces', json({ workspaces: [{ ...WORKSPACE, balance: 50, hasPaymentMethod: true }, OTHER] }))
    t.ui.answer('What next?', 'switch')
    t.ui.answer('Which workspace', CANCEL)
    await expect(show()).rejects.toBeInstanceOf(CancelledError)
    expect(files()).toEqual(before)
  })

  test('an expired token is renewed first, so the screen and S use a fresh one', async () => {
    t = createTestContext({ interactive: true })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    const fresh = refreshedTokens(t.clock.now())
    t.fetch.on('POST', TOKEN_ENDPOINT, json(fresh))
    t.fetch.on('GET', VALIDATE, validated(50, true))
    t.fetch.on('GET', '/api/cli/workspaces', json({ workspaces: [{ ...WORKSPACE, balance: 50, hasPaymentMethod: true }, OTHER] }))
    t.fetch.on('POST', '/api/cli/select-workspace', json({ confirmed: true, workspace: OTHER, billing: { balance: 7, hasPaymentMethod: true, ready: true } }))
    t.ui.answer('What next?', 'switch')
    t.ui.answer('Which workspace', (options: { value: unknown }[]) => options[1]!.value)
    expect(await show()).toBe('switched')
    expect(t.fetch.calls('/api/cli/workspaces')[0]!.headers.get('authorization')).toBe(`Bearer ${fresh.access_token}`)
  })

  test('a session the Console ended: the screen does not open and says so', async () => {
    t = createTestContext({ interactive: true })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', TOKEN_ENDPOINT, oauthError('invalid_grant'))
    await expect(show()).rejects.toThrow('Your Pensar Console session has expired')
    expect(t.ui.prompts).toEqual([])
  })

  test('the Console unreachable: the screen still opens, balance unavailable', async () => {
    await connected(networkError('connection refused'))
    t.ui.answer('What next?', 'back')
    expect(await show()).toBe('back')
    expect(screenText()).toStartWith('note: Logged in, not verified\n')
    expect(screenText()).toContain('Balance:   unknown')
    expect(screenText()).toContain('Billing:   unknown')
    expect(screenText()).toContain('Online:    not verified: Could not reach https://api.test.pensar/gateway/validate (connection refused)\n')
    expect(screenText()).toContain('warn: Your login is kept. Check your network connection')
    expect(screenText()).toEndWith('info: Kept the connection as it is.')
  })
})

describe('the /login screen tells what status tells', () => {
  test('a renewal answered 503: "Logged in, not verified", what failed, and what to do', async () => {
    t = createTestContext({ interactive: true })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', TOKEN_ENDPOINT, oauthError('temporarily_unavailable', 503))
    t.ui.answer('What next?', 'back')
    await show()
    expect(screenText()).toStartWith('note: Logged in, not verified\n')
    expect(screenText()).toContain(`Online:    not verified: ${TOKEN_ENDPOINT} answered 503 (temporarily_unavailable)\n`)
    expect(screenText()).toContain('warn: Your login is kept. Pensar Console had a problem. Try again in a minute.')
    expect(screenText()).not.toContain('Connected')
  })

  test("PENSAR_API_KEY set: the key's user and workspace, and no S (the key decides the workspace)", async () => {
    t = createTestContext({ interactive: true, env: { vars: { PENSAR_API_KEY: 'psk_envkey123' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000) })
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: { id: 'ws_key', name: 'Keyed', slug: 'keyed' }, user: { id: 'u2', email: 'ci@x.y' } }))
    t.fetch.on('GET', VALIDATE, validated(12, true))
    t.ui.answer('What next?', 'back')
    await show()
    expect(screenText()).toContain('User:      ci@x.y (API key)')
    expect(screenText()).toContain('Workspace: Keyed (keyed)')
    expect(screenText()).not.toContain('Acme')
    expect(t.ui.prompts[0]!.options.map((o) => o.label)).not.toContain('s: switch workspace')
  })
})
