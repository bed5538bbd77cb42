// The control API (--dev) has no credentials: only local requests that no other site sent may reach
// it, however the path is spelled and whatever a web page in the person's browser tries.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { launchBrowser } from '../e2e/support/browser.ts'
import { authorizeDevice } from './oauth-client.ts'
import { rawRequest } from './raw-http.ts'

let pc: TestConsole
let port: string
beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo'])
  port = new URL(pc.url).port
}, 30_000)
afterAll(() => pc.stop())

// How `GET /_console/stats` can be spelled, and whether the router takes that spelling to it.
const SPELLINGS: [path: string, routed: boolean][] = [
  ['/_console/stats', true],
  ['//_console/stats', true],
  ['/./_console/stats', true],
  ['/.//_console/stats', true],
  ['/_console//stats', true],
  ['/_console/./stats', true],
  ['/_console/stats/', true],
  ['/_console/stats//', true],
  ['/x/../_console/stats', true],
  ['/%2e/_console/stats', true],
  ['/_console%2Fstats', false],
  ['/%2F_console/stats', false],
  ['/%5Fconsole/stats', false],
  ['/_CONSOLE/stats', false],
  ['/_Console/Stats', false],
]

const FROM_ELSEWHERE: [what: string, headers: () => Record<string, string>][] = [
  ['a foreign Host (DNS rebinding)', () => ({ host: `evil.example:${port}` })],
  ['a foreign Origin', () => ({ origin: 'https://evil.example' })],
  ['another port of the same host as Origin', () => ({ origin: `http://127.0.0.1:${Number(port) === 1 ? 2 : 1}` })],
  ['Sec-Fetch-Site: cross-site (a GET from another site carries no Origin)', () => ({ 'sec-fetch-site': 'cross-site' })],
  ['Sec-Fetch-Site: same-site', () => ({ 'sec-fetch-site': 'same-site' })],
]

describe('every spelling of a control path is judged by the route it reaches', () => {
  test.each(SPELLINGS)('%s: local answer, and 403 from elsewhere when it reaches the route', async (path, routed) => {
    const local = await rawRequest(pc.url, 'GET', path)
    expect(local.status).toBe(routed ? 200 : 404)
    for (const [what, headers] of FROM_ELSEWHERE) {
      const answer = await rawRequest(pc.url, 'GET', path, headers())
      expect({ what, status: answer.status }).toEqual({ what, status: routed ? 403 : 404 })
      expect(answer.body).not.toContain('deviceGrants')
    }
  })

  test('an absolute-form request target is judged by its Host header too', async () => {
    const answer = await rawRequest(pc.url, 'GET', `${pc.url}//_console/stats`, { host: `evil.example:${port}` })
    expect(answer.status).toBe(403)
  })

  test('a foreign POST to //_console/users or /.//_console/api-keys creates nothing', async () => {
    for (const path of ['//_console/users', '/.//_console/users', '/_console/users/']) {
      const body = JSON.stringify({ email: 'planted@evil.example', password: 'planted pw', workspaces: [{ name: 'Rich', balance: 1000, hasPaymentMethod: true }] })
      // No Content-Type, as a browser's no-cors post of a Blob sends it: read as JSON.
      const answer = await rawRequest(pc.url, 'POST', path, { origin: 'https://evil.example' }, body)
      expect(answer.status).toBe(403)
    }
    const minted = await rawRequest(pc.url, 'POST', '/.//_console/api-keys', { host: `evil.example:${port}`, 'content-type': 'application/json' },
      JSON.stringify({ workspace: 'acme', email: 'demo@pensar.local' }))
    expect(minted.status).toBe(403)
    expect(minted.body).not.toContain('psk_')
    // The email is still free: no request above created the user.
    expect((await pc.control.createUser('planted@evil.example')).user.email).toBe('planted@evil.example')
  })

  test("the Console's own pages and local clients still reach the control API", async () => {
    expect((await rawRequest(pc.url, 'GET', '/_console/stats', { origin: pc.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
    expect((await rawRequest(pc.url, 'GET', '/_console/stats', { 'sec-fetch-site': 'none' })).status).toBe(200)
    expect((await rawRequest(pc.url, 'GET', '/_console/stats', { host: `localhost:${port}` })).status).toBe(200)
  })

  test('faults never apply to a control route, however it is spelled', async () => {
    await pc.control.fault('GET /_console/stats', '500', { count: 3 })
    try {
      for (const path of ['//_console/stats', '/.//_console/stats', '/_console/stats/']) expect((await rawRequest(pc.url, 'GET', path)).status).toBe(200)
    } finally {
      await pc.control.clearFaults()
    }
  })
})

describe('in Chromium, a page of another site cannot use the control API', () => {
  let browser: Browser
  let attacker: ReturnType<typeof Bun.serve>
  beforeAll(async () => {
    // Two names that resolve to this machine, as a DNS rebinding or a hostile local site would.
    // Chromium 156 itself blocks a public page's requests to loopback (Local Network Access); the
    // Console must not rely on that (other browsers, older ones, a page served from loopback), so it is off.
    browser = await launchBrowser(['--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1', '--disable-features=LocalNetworkAccessChecks'])
    attacker = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('<!doctype html><title>Free credits</title>', { headers: { 'content-type': 'text/html' } }) })
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
    attacker?.stop(true)
  })

  test('no-cors posts from another site reach the Console and are refused: no account is created', async () => {
    const page = await browser.newPage()
    try {
      await page.goto(`http://evil.test:${attacker.port}/`)
      const before = (await pc.control.stats()).requests['POST /_console/users'] ?? 0
      await page.evaluate(async (consoleUrl) => {
        for (const [i, path] of ['/_console/users', '//_console/users', '/.//_console/users'].entries()) {
          const body = JSON.stringify({ email: `no-cors-${i}@evil.example`, password: 'planted pw', workspaces: [{ name: 'Rich', balance: 1000, hasPaymentMethod: true }] })
          // A Blob without a type: the browser sends no Content-Type, so the Console would read it as JSON.
          await fetch(consoleUrl + path, { method: 'POST', mode: 'no-cors', body: new Blob([body]) })
        }
        // A GET from another site carries no Origin: Sec-Fetch-Site tells.
        await fetch(`${consoleUrl}//_console/crash`, { mode: 'no-cors' })
      }, pc.url)
      expect((await pc.control.stats()).requests['POST /_console/users']).toBe(before + 3)
      for (let i = 0; i < 3; i++) expect((await pc.control.createUser(`no-cors-${i}@evil.example`)).user.email).toBe(`no-cors-${i}@evil.example`)
      expect(pc.stderr()).not.toContain('Deliberate crash')
    } finally {
      await page.close()
    }
  })

  test('a rebound page (same origin, foreign Host) reads 403, never the pending codes or a new API key', async () => {
    const pending = await authorizeDevice(pc.url)
    const page = await browser.newPage()
    const attackPage = '<!doctype html><title>Loading…</title>'
    // The page itself comes from the attacker; everything it fetches goes to the Console (127.0.0.1).
    await page.route(`http://rebind.test:${port}/attack`, (route) => route.fulfill({ contentType: 'text/html', body: attackPage }))
    await page.route(`${pc.url}/own-page`, (route) => route.fulfill({ contentType: 'text/html', body: attackPage }))
    const readControlApi = () => page.evaluate(async () => {
      const read = async (path: string, init?: RequestInit) => {
        const response = await fetch(location.origin + path, init)
        return { path, status: response.status, body: await response.text() }
      }
      return [
        await read('/.//_console/device/pending'),
        await read('//_console/device/pending'),
        await read('/_console/device/pending/'),
        await read('//_console/api-keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspace: 'acme', email: 'demo@pensar.local' }) }),
      ]
    })
    try {
      await page.goto(`http://rebind.test:${port}/attack`)
      for (const answer of await readControlApi()) {
        expect({ path: answer.path, status: answer.status }).toEqual({ path: answer.path, status: 403 })
        expect(answer.body).not.toContain(pending.user_code)
        expect(answer.body).not.toContain('psk_')
      }
      // The same page at the Console's own origin does read them: the 403 above is the guard, not the setup.
      await page.goto(`${pc.url}/own-page`)
      const own = await readControlApi()
      expect(own.map((a) => a.status)).toEqual([200, 200, 200, 200])
      expect(own[0]!.body).toContain(pending.user_code)
    } finally {
      await page.close()
    }
  })
})
