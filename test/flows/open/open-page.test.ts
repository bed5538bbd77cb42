import { afterEach, describe, expect, test } from 'bun:test'
import { openConsolePage } from '../../../src/flows/open/open-page'
import { AuthError, EXIT, PensarError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { CONSOLE_URL } from '../../helpers/console-stubs'
import { FakeBrowser } from '../../helpers/fake-browser'
import { json, networkError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, seedApiKeySession, seedWorkosSession, USER } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

async function connected(opts: { browser?: FakeBrowser; json?: boolean; consoleUrl?: string } = {}) {
  t = createTestContext({ browser: opts.browser, env: { json: opts.json ?? false } })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000), extraConfig: { consoleUrl: opts.consoleUrl ?? CONSOLE_URL } })
  return t
}

describe('pensar open', () => {
  test.each([
    ['billing', `${CONSOLE_URL}/acme/settings/billing`, 'Opened the billing page of Acme (acme) in your browser:'],
    ['usage', `${CONSOLE_URL}/acme/settings/usage`, 'Opened the usage page of Acme (acme) in your browser:'],
    ['api-keys', `${CONSOLE_URL}/acme/settings/api-keys`, 'Opened the API keys page of Acme (acme) in your browser:'],
    ['console', `${CONSOLE_URL}/`, 'Opened Pensar Console in your browser:'],
  ] as const)('%s: opens %s in the browser and prints the address as the result', async (page, url, said) => {
    await connected()
    expect(await openConsolePage(t.ctx, { page, openBrowser: true })).toEqual({ url, opened: true })
    expect(t.browser.opened).toEqual([url])
    expect(t.ui.results).toEqual([url])
    expect(t.ui.text).toBe(`success: ${said}`)
    expect(t.fetch.requests).toEqual([]) // the stored session knows the Console's address
  })

  test('no browser here: a warning that says why, the address still printed, exit 0', async () => {
    await connected({ browser: new FakeBrowser({ opened: false, reason: 'BROWSER is not set and there is no display' }) })
    expect(await openConsolePage(t.ctx, { page: 'billing', openBrowser: true })).toEqual({ url: `${CONSOLE_URL}/acme/settings/billing`, opened: false })
    expect(t.ui.text).toBe('warn: Could not open a browser (BROWSER is not set and there is no display). Open the billing page of Acme (acme) yourself:')
    expect(t.ui.results).toEqual([`${CONSOLE_URL}/acme/settings/billing`])
  })

  test('--no-browser: only the address', async () => {
    await connected()
    await openConsolePage(t.ctx, { page: 'usage', openBrowser: false })
    expect(t.browser.opened).toEqual([])
    expect(t.ui.results).toEqual([`${CONSOLE_URL}/acme/settings/usage`])
    expect(t.ui.lines).toEqual([])
  })

  test('--json: one object with the page, the address and whether it opened', async () => {
    await connected({ json: true, browser: new FakeBrowser({ opened: false, reason: 'no display' }) })
    await openConsolePage(t.ctx, { page: 'api-keys', openBrowser: true })
    expect(t.ui.events).toEqual([{ page: 'api-keys', url: `${CONSOLE_URL}/acme/settings/api-keys`, opened: false, reason: 'no display' } as never])
    expect(t.ui.results).toEqual([])
  })

  test('an unsafe Console address from the server is refused: nothing opened or printed', async () => {
    await connected({ consoleUrl: 'javascript:alert(1)//' })
    const error = await openConsolePage(t.ctx, { page: 'billing', openBrowser: true }).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error).toMatchObject({ code: 'unsafe_url', exitCode: EXIT.error })
    expect(t.browser.opened).toEqual([])
    expect(t.ui.results).toEqual([])
  })

  test('a plain-http Console elsewhere than this computer is refused too', async () => {
    await connected({ consoleUrl: 'http://console.example.com' })
    expect((await openConsolePage(t.ctx, { page: 'console', openBrowser: true }).catch((e) => e)).code).toBe('unsafe_url')
  })

  test('an API-key session that stored no Console address asks the Console for it', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_stored0123456789')
    t.fetch.on('GET', '/api/cli/config', json({ clientId: 'c', consoleUrl: CONSOLE_URL }))
    await openConsolePage(t.ctx, { page: 'billing', openBrowser: true })
    expect(t.browser.opened).toEqual([`${CONSOLE_URL}/acme/settings/billing`])
    t.fetch.verify()
  })

  test('PENSAR_API_KEY: the page of its workspace, asked of the Console', async () => {
    t = createTestContext({ env: { vars: { PENSAR_API_KEY: 'psk_env0123456789' } } })
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: { id: 'ws_low', name: 'Low Balance', slug: 'low-balance' }, user: USER }))
    t.fetch.on('GET', '/api/cli/config', json({ consoleUrl: CONSOLE_URL }))
    await openConsolePage(t.ctx, { page: 'usage', openBrowser: true })
    expect(t.browser.opened).toEqual([`${CONSOLE_URL}/low-balance/settings/usage`])
  })

  test('not logged in: a workspace page is exit 4; the Console itself still opens', async () => {
    t = createTestContext()
    const error = await openConsolePage(t.ctx, { page: 'billing', openBrowser: true }).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(t.fetch.requests).toEqual([])
    t.fetch.on('GET', '/api/cli/config', json({ consoleUrl: CONSOLE_URL }))
    await openConsolePage(t.ctx, { page: 'console', openBrowser: true })
    expect(t.browser.opened).toEqual([`${CONSOLE_URL}/`])
  })

  test('no Console address to be had: a clear error naming where it looked', async () => {
    t = createTestContext()
    t.fetch.on('GET', '/api/cli/config', networkError('connection refused'), 2)
    const error = await openConsolePage(t.ctx, { page: 'console', openBrowser: true }).catch((e) => e)
    expect(error.message).toBe(`Could not find Pensar Console's address: ${TEST_API}/api/cli/config did not name it.`)
    expect(t.browser.opened).toEqual([])
  })
})
