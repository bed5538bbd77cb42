// Serving beyond loopback: the URL the Console names (--public-url), and what a proxy may tell it
// (X-Forwarded-*, believed only with --trust-proxy).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startConsole, type ConsoleOptions, type RunningConsole } from '../../console/server.ts'
import { FetchBrowser, csrfOf } from './browser.ts'
import { CLIENT_ID } from './oauth-client.ts'

const DEMO = 'demo@pensar.local'
const started: RunningConsole[] = []
async function consoleWith(options: ConsoleOptions) {
  const running = await startConsole({ port: 0, db: ':memory:', ...options })
  started.push(running)
  return { running, local: `http://127.0.0.1:${running.port}` }
}
afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()))
})

describe('--public-url', () => {
  test('a wildcard host without a public URL is refused: the Console will not guess its own address', async () => {
    for (const host of ['0.0.0.0', '::']) {
      await expect(startConsole({ port: 0, db: ':memory:', host })).rejects.toThrow(`--host ${host} listens on every address`)
    }
  })

  test('links, the issuer and the verification address name the public URL', async () => {
    const { running, local } = await consoleWith({ host: '0.0.0.0', publicUrl: 'http://console.test:4100' })
    expect(running.url).toBe('http://console.test:4100')
    const config = await (await fetch(`${local}/api/cli/config`)).json()
    expect(config).toMatchObject({ issuer: 'http://console.test:4100', consoleUrl: 'http://console.test:4100' })
    const auth = await (await fetch(`${local}/user_management/authorize/device`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID }) })).json()
    expect(auth.verification_uri).toBe('http://console.test:4100/device')
  })

  test('an https public URL makes cookies Secure and its origin this site', async () => {
    const { local } = await consoleWith({ publicUrl: 'https://console.example.com', seed: 'demo' })
    const browser = new FetchBrowser(local)
    const login = await browser.get('/login')
    expect(login.headers.get('set-cookie')).toEndWith('; Secure')
    const posted = await browser.post('/login', { csrf: csrfOf(login.text), email: DEMO, password: 'demo' }, { origin: 'https://console.example.com' })
    expect(posted.status).toBe(303)
  })
})

describe('X-Forwarded-* are believed only with --trust-proxy', () => {
  const viaProxy = (host: string) => ({ 'x-forwarded-proto': 'https', origin: `https://${host}` })

  describe('without --trust-proxy (anyone can send these headers)', () => {
    let local: string
    beforeAll(async () => {
      ;({ local } = await consoleWith({ seed: 'demo' }))
    })

    test('X-Forwarded-Proto does not make cookies Secure, nor an https Origin this site', async () => {
      expect((await fetch(`${local}/device`, { headers: { 'x-forwarded-proto': 'https' } })).headers.get('set-cookie')).not.toContain('Secure')
      const browser = new FetchBrowser(local)
      const token = csrfOf((await browser.get('/login')).text)
      expect((await browser.post('/login', { csrf: token, email: DEMO, password: 'demo' }, viaProxy(new URL(local).host))).status).toBe(403)
    })

    test('X-Forwarded-Host cannot make another site this site', async () => {
      const browser = new FetchBrowser(local)
      const token = csrfOf((await browser.get('/login')).text)
      const posted = await browser.post('/login', { csrf: token, email: DEMO, password: 'demo' }, { 'x-forwarded-host': 'evil.example', origin: 'http://evil.example' })
      expect(posted.status).toBe(403)
    })

    test('X-Forwarded-For does not change the address a device code was requested from', async () => {
      const confirm = await confirmPageOfCodeSentWith(local, { 'x-forwarded-for': '203.0.113.9' })
      expect(confirm).toContain('127.0.0.1')
      expect(confirm).not.toContain('203.0.113.9')
    })
  })

  describe('with --trust-proxy', () => {
    let local: string
    beforeAll(async () => {
      ;({ local } = await consoleWith({ seed: 'demo', trustProxy: true }))
    })

    test('behind a TLS proxy, cookies are Secure and the public https origin is this site', async () => {
      expect((await fetch(`${local}/device`, { headers: { 'x-forwarded-proto': 'https' } })).headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Lax; Secure$/)
      expect((await fetch(`${local}/device`)).headers.get('set-cookie')).not.toContain('Secure')
      const browser = new FetchBrowser(local)
      const token = csrfOf((await browser.get('/login')).text)
      expect((await browser.post('/login', { csrf: token, email: DEMO, password: 'demo' }, viaProxy('console.example.com'))).status).toBe(403)
      const host = { ...viaProxy('console.example.com'), 'x-forwarded-host': 'console.example.com' }
      expect((await browser.post('/login', { csrf: token, email: DEMO, password: 'demo' }, host)).status).toBe(303)
    })

    test('the client address is the one the proxy appended to X-Forwarded-For', async () => {
      const confirm = await confirmPageOfCodeSentWith(local, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' })
      expect(confirm).toContain('203.0.113.9')
      expect(confirm).not.toContain('198.51.100.1')
    })
  })
})

/** The confirm page (signed in as the demo user) of a device code requested with these headers. */
async function confirmPageOfCodeSentWith(base: string, headers: Record<string, string>): Promise<string> {
  const auth = await (await fetch(`${base}/user_management/authorize/device`, { method: 'POST', headers, body: new URLSearchParams({ client_id: CLIENT_ID }) })).json()
  const userCode = auth.user_code
  const browser = new FetchBrowser(base)
  const login = await browser.get('/login')
  expect((await browser.post('/login', { csrf: csrfOf(login.text), email: DEMO, password: 'demo' })).status).toBe(303)
  const confirm = await browser.get(`/device/confirm?user_code=${userCode}`)
  expect(confirm.status).toBe(200)
  return confirm.text
}
