// Attacks on the Console's own login server: redirects, CSRF, brute force, cookies, the control API.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startConsole, type RunningConsole } from '../../console/server.ts'
import { consoleControl, startTestConsole, type TestConsole } from '../helpers/console.ts'
import { FetchBrowser, csrfOf } from './browser.ts'
import { authorizeDevice, bearer, getJson, pollToken } from './oauth-client.ts'
import { signedMessageRequest } from './gateway-signing.ts'

const DEMO = 'demo@pensar.local'
let pc: TestConsole
beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo'])
}, 30_000)
afterAll(() => pc.stop())

async function signedIn(email = DEMO, password = 'demo') {
  const browser = new FetchBrowser(pc.url)
  const login = await browser.get('/login')
  expect((await browser.post('/login', { csrf: csrfOf(login.text), email, password })).status).toBe(303)
  return browser
}

describe('redirects and pages', () => {
  test('next cannot leave the site through characters browsers drop (tab, newline) or a backslash', async () => {
    for (const next of ['/\t/evil.example', '/\n/evil.example', '/\\evil.example', '/\r\nSet-Cookie: x=1', 'https://evil.example']) {
      const browser = new FetchBrowser(pc.url)
      const path = `/login?next=${encodeURIComponent(next)}`
      const login = await browser.get(path)
      const posted = await browser.post(path, { csrf: csrfOf(login.text), email: DEMO, password: 'demo' })
      expect(posted.status).toBe(303)
      expect(posted.location).toBe('/')
    }
  })

  test('user-controlled text is escaped in text and attribute contexts', async () => {
    const browser = new FetchBrowser(pc.url)
    const evil = 'x"><svg/onload=alert(1)>'
    const signup = await browser.get(`/signup?next=${encodeURIComponent(`/"${evil}`)}`)
    expect(signup.text).not.toContain('<svg')
    const created = await browser.post('/signup', { csrf: csrfOf(signup.text), email: `${evil}@x.example`, password: 'long enough', workspace_name: `<script>${evil}` })
    expect(created.status).toBe(303)
    const home = await browser.get('/')
    const keysPath = /href="(\/[a-z0-9-]+\/settings\/api-keys)"/.exec(home.text)![1]!
    const keys = await browser.get(keysPath)
    expect(keys.status).toBe(200)
    const named = await browser.post(keysPath, { csrf: csrfOf(keys.text), name: evil })
    for (const page of [home.text, keys.text, named.text]) {
      expect(page).not.toContain('<svg')
      expect(page).not.toContain('<script')
      expect(page).toContain('x&quot;&gt;&lt;svg/onload=alert(1)&gt;')
    }
  })

  test('the approve page cannot be framed and sends the hardening headers', async () => {
    const auth = await authorizeDevice(pc.url)
    const confirm = await (await signedIn()).get(`/device/confirm?user_code=${auth.user_code}`)
    expect(confirm.status).toBe(200)
    expect(confirm.headers.get('x-frame-options')).toBe('DENY')
    expect(confirm.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(confirm.headers.get('content-security-policy')).toContain("base-uri 'none'")
    expect(confirm.headers.get('x-content-type-options')).toBe('nosniff')
    expect(confirm.headers.get('referrer-policy')).toBe('same-origin')
  })
})

describe('cookies and CSRF', () => {
  test('once signed in, only the session-bound CSRF token works: a planted pc_csrf cookie proves nothing', async () => {
    const auth = await authorizeDevice(pc.url)
    const victim = await signedIn()
    // The attacker gets a valid (pc_csrf, token) pair from their own visit and plants the cookie in the victim's browser.
    const attacker = new FetchBrowser(pc.url)
    const attackerToken = csrfOf((await attacker.get('/device')).text)
    victim.cookies.set('pc_csrf', attacker.cookies.get('pc_csrf')!)
    const forged = await victim.post('/device/confirm', { csrf: attackerToken, user_code: auth.user_code, action: 'approve' })
    expect(forged.status).toBe(403)
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
  })

  test('login CSRF: a sign-in posted from another site is refused, even with a planted (pc_csrf, token) pair', async () => {
    const attacker = new FetchBrowser(pc.url)
    const token = csrfOf((await attacker.get('/login')).text)
    const victim = new FetchBrowser(pc.url)
    victim.cookies.set('pc_csrf', attacker.cookies.get('pc_csrf')!) // planted by a page on another port of this host
    const otherPort = `http://127.0.0.1:${new URL(pc.url).port === '1' ? 2 : 1}`
    const crossSite: Record<string, string>[] = [{ origin: otherPort }, { 'sec-fetch-site': 'same-site' }, { origin: 'null' }]
    for (const headers of crossSite) {
      const posted = await victim.post('/login', { csrf: token, email: DEMO, password: 'demo' }, headers)
      expect(posted.status).toBe(403)
      expect(victim.cookies.has('pc_session')).toBe(false)
    }
    // The Console's own sign-in page, as a browser posts it.
    const own = await victim.post('/login', { csrf: token, email: DEMO, password: 'demo' }, { origin: pc.url, 'sec-fetch-site': 'same-origin' })
    expect(own.status).toBe(303)
    expect(victim.cookies.has('pc_session')).toBe(true)
  })

  test('signing in issues a fresh session cookie and ends the one the browser brought', async () => {
    const browser = await signedIn()
    const first = browser.cookies.get('pc_session')!
    const login = await browser.get('/login')
    await browser.post('/login', { csrf: csrfOf(login.text), email: DEMO, password: 'demo' })
    expect(browser.cookies.get('pc_session')).not.toBe(first)
    const stale = new FetchBrowser(pc.url)
    stale.cookies.set('pc_session', first)
    expect((await stale.get('/')).status).toBe(303)
  })

  test('the session cookie lasts as long as the session (7 days); signing out clears it', async () => {
    const browser = new FetchBrowser(pc.url)
    const login = await browser.get('/login')
    const posted = await browser.post('/login', { csrf: csrfOf(login.text), email: DEMO, password: 'demo' })
    expect(posted.headers.getSetCookie()).toEqual([expect.stringMatching(/^pc_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/)])
    const out = await browser.post('/logout', { csrf: csrfOf((await browser.get('/')).text) })
    expect(out.headers.getSetCookie()).toEqual(['pc_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0'])
  })
})

describe('brute force', () => {
  test('RFC 8628 §5.1: after 5 wrong user codes a browser must wait, even for a right code', async () => {
    const auth = await authorizeDevice(pc.url)
    const browser = new FetchBrowser(pc.url)
    const csrf = csrfOf((await browser.get('/device')).text)
    for (let i = 0; i < 5; i++) expect((await browser.post('/device', { csrf, user_code: 'BCDF-GHJK' })).status).toBe(400)
    const locked = await browser.post('/device', { csrf, user_code: auth.user_code })
    expect(locked.status).toBe(429)
    expect(locked.text).toContain('Too many wrong codes')
    // Another browser is not affected.
    const other = new FetchBrowser(pc.url)
    expect((await other.post('/device', { csrf: csrfOf((await other.get('/device')).text), user_code: auth.user_code })).status).toBe(303)
  })

  test('after 5 failed sign-ins an email must wait, even with the right password; other emails are not affected', async () => {
    await pc.control.createUser('guessed@example.com', { password: 'the right one' })
    const browser = new FetchBrowser(pc.url)
    const csrf = csrfOf((await browser.get('/login')).text)
    for (let i = 0; i < 5; i++) expect((await browser.post('/login', { csrf, email: 'guessed@example.com', password: `guess ${i}` })).status).toBe(401)
    const locked = await browser.post('/login', { csrf, email: 'Guessed@Example.com', password: 'the right one' })
    expect(locked.status).toBe(429)
    expect(locked.text).toContain('Too many failed sign-ins')
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(browser.cookies.has('pc_session')).toBe(false)
    expect((await browser.post('/login', { csrf, email: DEMO, password: 'demo' })).status).toBe(303)
  })

  test('the sign-in wait ends after 15 minutes (fake clock)', async () => {
    let now = Date.UTC(2030, 0, 1)
    const local: RunningConsole = await startConsole({ port: 0, db: ':memory:', dev: true, now: () => now })
    try {
      await consoleControl(local.url).createUser('later@example.com', { password: 'the right one' })
      const browser = new FetchBrowser(local.url)
      const csrf = csrfOf((await browser.get('/login')).text)
      for (let i = 0; i < 5; i++) await browser.post('/login', { csrf, email: 'later@example.com', password: 'wrong' })
      expect((await browser.post('/login', { csrf, email: 'later@example.com', password: 'the right one' })).status).toBe(429)
      now += 15 * 60 * 1000
      expect((await browser.post('/login', { csrf, email: 'later@example.com', password: 'the right one' })).status).toBe(303)
    } finally {
      await local.stop()
    }
  })
})

describe('device codes under concurrency', () => {
  test('two polls racing for one approved code: exactly one token response', async () => {
    const auth = await authorizeDevice(pc.url)
    await pc.control.approve(auth.user_code, DEMO)
    const results = await Promise.all(Array.from({ length: 8 }, () => pollToken(pc.url, auth.device_code)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(7)
  })
})

describe('the gateway under concurrency', () => {
  test('signed requests sent together cannot overdraw the last cent', async () => {
    await pc.control.createWorkspace('last-cent@example.com', { name: 'Last Cent', slug: 'last-cent', balance: 0.01, hasPaymentMethod: true })
    const { apiKey } = await pc.control.createApiKey('last-cent', 'last-cent@example.com', 'race')
    const { signingKey } = (await getJson(`${pc.url}/auth/validate`, bearer(apiKey))).body
    const body = JSON.stringify({ model: 'pensar-small', messages: [{ role: 'user', content: 'hi' }] })
    // Bodies that arrive slowly: every request has read the balance before any is charged.
    const slowBody = () => new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(body.slice(0, 10)))
        await Bun.sleep(100)
        controller.enqueue(new TextEncoder().encode(body.slice(10)))
        controller.close()
      },
    })
    const statuses = await Promise.all(Array.from({ length: 10 }, () =>
      fetch(`${pc.url}/gateway/v1/messages`, { method: 'POST', headers: { ...bearer(apiKey), ...signedMessageRequest(signingKey, body, 'pensar-small') }, body: slowBody() })
        .then((r) => r.status)))
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 402)).toHaveLength(9)
    expect((await getJson(`${pc.url}/gateway/validate`, bearer(apiKey))).body.credits.balance).toBe(0)
  })
})

describe('the control API (--dev) answers only local requests no other site sent', () => {
  test('a foreign Host (DNS rebinding) or a cross-site Origin gets 403', async () => {
    const rebound = await fetch(`${pc.url}/_console/stats`, { headers: { host: `evil.example:${new URL(pc.url).port}` } })
    expect(rebound.status).toBe(403)
    const crossSite = await fetch(`${pc.url}/_console/users`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: new Blob([JSON.stringify({ email: 'planted@example.com', password: 'planted pw' })]),
    })
    expect(crossSite.status).toBe(403)
    expect((await fetch(`${pc.url}/_console/stats`, { headers: { origin: pc.url } })).status).toBe(200)
    expect((await fetch(`${pc.url}/_console/stats`)).status).toBe(200)
  })
})
