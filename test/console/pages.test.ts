import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { FetchBrowser, csrfOf } from './browser.ts'
import { authorizeDevice, bearer, getJson, pollToken, postJson } from './oauth-client.ts'

let pc: TestConsole
beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo', '--interval', '0.2'])
}, 30_000)
afterAll(() => pc.stop())

describe('device approval in the browser', () => {
  test('sign up from the device page, confirm the code, approve, and the CLI gets a token', async () => {
    const auth = await authorizeDevice(pc.url)
    const browser = new FetchBrowser(pc.url)
    const entry = await browser.get(`/device?user_code=${auth.user_code}`)
    expect(entry.status).toBe(200)
    expect(entry.text).toContain(`value="${auth.user_code}"`)
    expect(entry.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/)

    const entered = await browser.post('/device', { csrf: csrfOf(entry.text), user_code: auth.user_code.toLowerCase().replace('-', '') })
    expect(entered.status).toBe(303)
    const confirmPath = entered.location!
    expect(confirmPath).toBe(`/device/confirm?user_code=${auth.user_code}`)

    const toLogin = await browser.get(confirmPath)
    expect(toLogin.status).toBe(303)
    expect(toLogin.location).toBe(`/login?next=${encodeURIComponent(confirmPath)}`)
    const login = await browser.get(toLogin.location!)
    expect(login.text).toContain('Create an account')
    const signupPath = `/signup?next=${encodeURIComponent(confirmPath)}`
    const signup = await browser.get(signupPath)
    const created = await browser.post(signupPath, {
      csrf: csrfOf(signup.text), email: 'page-user@example.com', password: 'correct horse', workspace_name: 'Page Co',
    })
    expect(created.status).toBe(303)
    expect(created.location).toBe(confirmPath)
    expect(browser.cookies.has('pc_session')).toBe(true)

    const confirm = await browser.get(confirmPath)
    expect(confirm.status).toBe(200)
    expect(confirm.text).toContain('Approve')
    expect(confirm.text).toContain('127.0.0.1')
    const approved = await browser.post('/device/confirm', { csrf: csrfOf(confirm.text), user_code: auth.user_code, action: 'approve' })
    expect(approved.location).toBe('/device/done?result=approved')
    expect((await browser.get(approved.location!)).text).toContain('You can return to your terminal.')

    const token = await pollToken(pc.url, auth.device_code)
    expect(token.status).toBe(200)
    expect(token.body.user.email).toBe('page-user@example.com')
    const list = await getJson(`${pc.url}/api/cli/workspaces`, bearer(token.body.access_token))
    expect(list.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['Page Co'])
  })

  test('signs in as the demo user and denies a code', async () => {
    const auth = await authorizeDevice(pc.url)
    const browser = new FetchBrowser(pc.url)
    const login = await browser.get('/login')
    const signedIn = await browser.post('/login', { csrf: csrfOf(login.text), email: 'demo@pensar.local', password: 'demo' })
    expect(signedIn.status).toBe(303)
    const confirm = await browser.get(`/device/confirm?user_code=${auth.user_code}`)
    const denied = await browser.post('/device/confirm', { csrf: csrfOf(confirm.text), user_code: auth.user_code, action: 'deny' })
    expect(denied.location).toBe('/device/done?result=denied')
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('access_denied')
  })

  test('a wrong password and an unknown code show the form again with an error', async () => {
    const browser = new FetchBrowser(pc.url)
    const login = await browser.get('/login')
    const wrong = await browser.post('/login', { csrf: csrfOf(login.text), email: 'demo@pensar.local', password: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.text).toContain('Wrong email or password.')
    const device = await browser.get('/device')
    const unknown = await browser.post('/device', { csrf: csrfOf(device.text), user_code: 'BCDF-GHJK' })
    expect(unknown.status).toBe(400)
    expect(unknown.text).toContain('not valid or has expired')
  })

  test('a post without the right CSRF token is refused with 403 and changes nothing', async () => {
    const auth = await authorizeDevice(pc.url)
    const browser = new FetchBrowser(pc.url)
    const login = await browser.get('/login')
    await browser.post('/login', { csrf: csrfOf(login.text), email: 'demo@pensar.local', password: 'demo' })
    const missing = await browser.post('/device/confirm', { user_code: auth.user_code, action: 'approve' })
    expect(missing.status).toBe(403)
    expect(missing.text).toContain('CSRF')
    // A token from another browser doesn't work either.
    const other = new FetchBrowser(pc.url)
    const foreign = csrfOf((await other.get('/device')).text)
    const forged = await browser.post('/device/confirm', { csrf: foreign, user_code: auth.user_code, action: 'approve' })
    expect(forged.status).toBe(403)
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
  })
})

describe('workspace settings pages', () => {
  async function demoBrowser() {
    const browser = new FetchBrowser(pc.url)
    const login = await browser.get('/login')
    await browser.post('/login', { csrf: csrfOf(login.text), email: 'demo@pensar.local', password: 'demo' })
    return browser
  }

  test('billing: add a payment method, buy credits, toggle auto-reload', async () => {
    const browser = await demoBrowser()
    const billing = await browser.get('/no-billing/settings/billing')
    expect(billing.text).toContain('Add test payment method')
    const csrf = csrfOf(billing.text)
    const refused = await browser.post('/no-billing/settings/billing/credits', { csrf, amount: '25' })
    expect(refused.status).toBe(400)
    expect((await browser.post('/no-billing/settings/billing/payment-method', { csrf })).status).toBe(303)
    expect((await browser.post('/no-billing/settings/billing/credits', { csrf, amount: 'lots' })).status).toBe(400)
    expect((await browser.post('/no-billing/settings/billing/credits', { csrf, amount: '25.50' })).status).toBe(303)
    expect((await browser.post('/no-billing/settings/billing/auto-reload', { csrf })).status).toBe(303)
    const after = await browser.get('/no-billing/settings/billing')
    expect(after.text).toContain('$25.50')
    expect(after.text).toContain('Turn auto-reload off')
  })

  test('API keys: created once in #new-api-key, usable, then revoked', async () => {
    const browser = await demoBrowser()
    const keysPage = await browser.get('/acme/settings/api-keys')
    const created = await browser.post('/acme/settings/api-keys', { csrf: csrfOf(keysPage.text), name: 'CI runner' })
    const apiKey = /id="new-api-key">(psk_[^<]+)</.exec(created.text)?.[1]
    expect(apiKey).toBeString()
    expect((await getJson(`${pc.url}/auth/validate`, bearer(apiKey!))).body.workspace.slug).toBe('acme')
    const listed = await browser.get('/acme/settings/api-keys')
    expect(listed.text).not.toContain(apiKey!)
    const revokeAction = /action="(\/acme\/settings\/api-keys\/[^"]+\/revoke)"/.exec(listed.text)![1]!
    expect((await browser.post(revokeAction, { csrf: csrfOf(listed.text) })).status).toBe(303)
    expect((await getJson(`${pc.url}/auth/validate`, bearer(apiKey!))).status).toBe(401)
  })

  test('usage shows spend per user and per API key from signed gateway requests', async () => {
    const { apiKey } = await pc.control.createApiKey('acme', 'demo@pensar.local', 'Usage key')
    const validated = await getJson(`${pc.url}/auth/validate`, bearer(apiKey))
    const body = JSON.stringify({ model: 'pensar-small', messages: [{ role: 'user', content: 'hi' }] })
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = crypto.getRandomValues(new Uint8Array(16)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '')
    const hasher = new Bun.CryptoHasher('sha256', validated.body.signingKey)
    hasher.update(`${timestamp}\n${nonce}\npensar-small\n${new Bun.CryptoHasher('sha256').update(body).digest('hex')}`)
    const headers = { 'x-pensar-timestamp': timestamp, 'x-pensar-nonce': nonce, 'x-pensar-signature': hasher.digest('hex') }
    const response = await fetch(`${pc.url}/gateway/v1/messages`, { method: 'POST', headers: { ...bearer(apiKey), ...headers }, body })
    expect(response.status).toBe(200)
    const usage = await (await demoBrowser()).get('/acme/settings/usage')
    expect(usage.text).toContain('demo@pensar.local')
    expect(usage.text).toContain('Usage key')
    expect(usage.text).toContain('$0.01')
  })

  test('a workspace the person is not a member of answers 404; signed out redirects to sign-in', async () => {
    await pc.control.createWorkspace('someone@example.com', { name: 'Private', slug: 'private' })
    const browser = await demoBrowser()
    expect((await browser.get('/private/settings/billing')).status).toBe(404)
    const anonymous = await new FetchBrowser(pc.url).get('/acme/settings/billing')
    expect(anonymous.status).toBe(303)
    expect(anonymous.location).toBe('/login?next=%2Facme%2Fsettings%2Fbilling')
  })

  test('a next parameter cannot redirect off the site', async () => {
    const browser = new FetchBrowser(pc.url)
    const login = await browser.get('/login?next=//evil.example')
    const signedIn = await browser.post('/login?next=//evil.example', { csrf: csrfOf(login.text), email: 'demo@pensar.local', password: 'demo' })
    expect(signedIn.location).toBe('/')
  })
})
