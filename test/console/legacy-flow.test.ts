import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { FetchBrowser, csrfOf } from './browser.ts'
import { bearer, getJson, postJson } from './oauth-client.ts'

let pc: TestConsole
beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo', '--legacy-only'])
}, 30_000)
afterAll(() => pc.stop())

const newCode = async () => (await postJson(`${pc.url}/auth/device/code`, { clientName: 'Apex CLI' })).body
const pollLegacy = async (deviceCode: string) => (await postJson(`${pc.url}/auth/device/token`, { deviceCode })).body

describe('legacy device flow', () => {
  test('--legacy-only hides /api/cli/config so clients fall back', async () => {
    const config = await getJson(`${pc.url}/api/cli/config`)
    expect([config.status, config.body.error]).toEqual([404, 'not_found'])
  })

  test('pending, approve for a chosen workspace, complete once with a working API key, then not_found', async () => {
    const code = await newCode()
    expect(code).toMatchObject({ verificationUri: `${pc.url}/device`, expiresIn: 600, interval: 5 })
    expect(code.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/)
    expect(code.verificationUriComplete).toBe(`${pc.url}/device?user_code=${code.userCode}`)
    expect(await pollLegacy(code.deviceCode)).toEqual({ status: 'pending' })
    const pending = await pc.waitForPending({ legacy: true })
    expect(pending.user_code).toBe(code.userCode)
    await pc.control.approve(code.userCode, 'demo@pensar.local', 'low-balance')
    const done = await pollLegacy(code.deviceCode)
    expect(done).toMatchObject({
      status: 'complete',
      workspace: { slug: 'low-balance', name: 'Low Balance' },
      credits: { balance: 0.42 },
      gatewayUrl: pc.url,
      user: { email: 'demo@pensar.local' },
    })
    expect(done.apiKey).toStartWith('psk_')
    expect(done.signingKey).toStartWith('sk_')
    expect((await getJson(`${pc.url}/auth/validate`, bearer(done.apiKey))).body.workspace.slug).toBe('low-balance')
    expect(await pollLegacy(code.deviceCode)).toEqual({ status: 'not_found' })
  })

  test('denied, unknown and malformed', async () => {
    const code = await newCode()
    await pc.control.deny(code.userCode)
    expect(await pollLegacy(code.deviceCode)).toEqual({ status: 'denied' })
    expect(await pollLegacy('dc_unknown')).toEqual({ status: 'not_found' })
    const missing = await postJson(`${pc.url}/auth/device/token`, {})
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request'])
    // A legacy code is no RFC 8628 device code.
    const crossed = await fetch(`${pc.url}/user_management/authenticate`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: code.deviceCode, client_id: 'client_pensar_cli' }),
    })
    expect(((await crossed.json()) as { error: string }).error).toBe('invalid_grant')
  })

  test('the browser confirm page lets the person pick the workspace for the key', async () => {
    const code = await newCode()
    const browser = new FetchBrowser(pc.url)
    const login = await browser.get('/login')
    await browser.post('/login', { csrf: csrfOf(login.text), email: 'demo@pensar.local', password: 'demo' })
    const confirm = await browser.get(`/device/confirm?user_code=${code.userCode}`)
    expect(confirm.text).toContain('<select id="workspace" name="workspace">')
    expect(confirm.text).toContain('Apex CLI')
    const approved = await browser.post('/device/confirm', { csrf: csrfOf(confirm.text), user_code: code.userCode, action: 'approve', workspace: 'acme' })
    expect(approved.status).toBe(303)
    expect((await pollLegacy(code.deviceCode)).workspace.slug).toBe('acme')
  })
})

describe('legacy expiry', () => {
  test('an expired legacy code answers expired', async () => {
    const short = await startTestConsole(['--device-ttl', '0.3'])
    try {
      const code = (await postJson(`${short.url}/auth/device/code`, {})).body
      const deadline = Date.now() + 20_000
      let status = 'pending'
      while (status === 'pending' && Date.now() < deadline) {
        status = (await postJson(`${short.url}/auth/device/token`, { deviceCode: code.deviceCode })).body.status
        if (status === 'pending') await Bun.sleep(50)
      }
      expect(status).toBe('expired')
    } finally {
      await short.stop()
    }
  }, 30_000)
})
