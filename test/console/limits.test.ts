// Rate limits (device codes, sign-ups) per client address, brute-force lockouts that can't lock
// out everyone behind one address, and the purge of expired device codes. In-process Consoles
// with a fake clock; --trust-proxy lets one test speak from several addresses (X-Forwarded-For).
import { afterAll, describe, expect, test } from 'bun:test'
import { startConsole, type ConsoleOptions, type RunningConsole } from '../../console/server.ts'
import { addressKey } from '../../console/lib/addresses.ts'
import { FetchBrowser, csrfOf } from './browser.ts'
import { CLIENT_ID, pollToken } from './oauth-client.ts'

const WINDOW_MS = 15 * 60 * 1000
const started: RunningConsole[] = []
afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()))
})

/** A Console on a fake clock; `from(address)` sends as that client (through the trusted proxy). */
async function consoleWith(options: ConsoleOptions = {}) {
  const clock = { now: Date.UTC(2030, 0, 1) }
  const running = await startConsole({ port: 0, db: ':memory:', dev: true, trustProxy: true, now: () => clock.now, ...options })
  started.push(running)
  const base = `http://127.0.0.1:${running.port}`
  const from = (address: string) => ({ 'x-forwarded-for': address })
  const post = async (path: string, body: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> }
  }
  return {
    base,
    clock,
    from,
    authorize: (address = '192.0.2.1') => post('/user_management/authorize/device', { client_id: CLIENT_ID }, from(address)),
    legacyCode: (address = '192.0.2.1') => post('/auth/device/code', {}, from(address)),
    control: (path: string, body: Record<string, unknown>) => post(`/_console${path}`, body as Record<string, string>),
  }
}

describe('issuing device codes is limited per client address', () => {
  test('both flows share the budget; over it: 429 too_many_requests with Retry-After, until the window ends', async () => {
    const c = await consoleWith({ deviceCodeLimit: 3 })
    expect((await c.authorize()).status).toBe(200)
    expect((await c.legacyCode()).status).toBe(200)
    expect((await c.authorize()).status).toBe(200)
    for (const limited of [await c.authorize(), await c.legacyCode()]) {
      expect(limited.status).toBe(429)
      expect(limited.body.error).toBe('too_many_requests')
      expect(limited.body.error_description).toContain('Try again in 15 minutes')
      expect(Number(limited.headers.get('retry-after'))).toBe(WINDOW_MS / 1000)
    }
    expect((await c.authorize('192.0.2.2')).status).toBe(200)
    c.clock.now += WINDOW_MS
    expect((await c.authorize()).status).toBe(200)
  })

  test('IPv6 addresses count per /64; IPv4-mapped addresses as their IPv4 address', async () => {
    const c = await consoleWith({ deviceCodeLimit: 2 })
    expect((await c.authorize('2001:db8:1:2::a')).status).toBe(200)
    expect((await c.authorize('2001:db8:1:2:ffff::b')).status).toBe(200)
    expect((await c.authorize('2001:db8:1:2::c')).status).toBe(429)
    expect((await c.authorize('2001:db8:1:3::a')).status).toBe(200)
    expect(addressKey('2001:DB8:0001:0002::a')).toBe('2001:db8:1:2::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7')
  })

  test('at the default limits, a busy day from one address is never limited', async () => {
    const c = await consoleWith()
    const answers = await Promise.all([
      ...Array.from({ length: 40 }, () => c.authorize()),
      ...Array.from({ length: 10 }, () => c.legacyCode()),
    ])
    expect(answers.filter((a) => a.status !== 200)).toEqual([])
    for (let i = 0; i < 5; i++) expect((await signUp(c.base, `busy-${i}@example.com`, c.from('192.0.2.1'))).status).toBe(303)
  })
})

describe('sign-ups are limited per client address', () => {
  test('over the limit: 429, a form that says so, Retry-After, and no account', async () => {
    const c = await consoleWith({ signupLimit: 2 })
    for (const email of ['one@example.com', 'two@example.com']) expect((await signUp(c.base, email, c.from('192.0.2.1'))).status).toBe(303)
    const limited = await signUp(c.base, 'three@example.com', c.from('192.0.2.1'))
    expect(limited.status).toBe(429)
    expect(limited.text).toContain('Too many accounts were created from your network. Try again in 15 minutes.')
    expect(Number(limited.headers.get('retry-after'))).toBe(WINDOW_MS / 1000)
    // three@ was not created: the control API can still create it.
    expect((await c.control('/users', { email: 'three@example.com' })).status).toBe(200)
    expect((await signUp(c.base, 'four@example.com', c.from('192.0.2.2'))).status).toBe(303)
    c.clock.now += WINDOW_MS
    expect((await signUp(c.base, 'five@example.com', c.from('192.0.2.1'))).status).toBe(303)
  })

  test('five sign-ups at once with one email: one account, four clear form errors, no 500', async () => {
    const c = await consoleWith()
    const answers = await Promise.all(Array.from({ length: 5 }, () => signUp(c.base, 'Same@Example.com', c.from('192.0.2.1'))))
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400, 400, 400, 400])
    for (const refused of answers.filter((a) => a.status === 400)) expect(refused.text).toContain('An account with that email already exists. Sign in instead.')
    // The one account has the one workspace its sign-up named.
    const winner = new FetchBrowser(c.base)
    winner.cookies = answers.find((a) => a.status === 303)!.cookies
    const home = await winner.get('/')
    expect(home.text.match(/settings\/billing/g)).toHaveLength(1)
  })

  test('five control-API user creations at once with one email: one 200, four 400 invalid_request', async () => {
    const c = await consoleWith()
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.control('/users', { email: 'race@example.com', password: 'a long password', workspaces: [{ name: 'Race' }] })))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400])
    for (const refused of answers.filter((a) => a.status === 400)) {
      expect(refused.body).toEqual({ error: 'invalid_request', error_description: 'A user with email race@example.com already exists.' })
    }
  })
})

describe('a guesser behind a shared address cannot lock the others there out', () => {
  test('wrong user codes from one address: a neighbour still enters their own code and approves it after signing in', async () => {
    const c = await consoleWith()
    const office = c.from('192.0.2.50')
    // 10 browsers × 5 wrong codes: each browser and the whole address are at their limits.
    for (let b = 0; b < 10; b++) {
      const guesser = new FetchBrowser(c.base)
      const csrf = csrfOf((await guesser.get('/device')).text)
      for (let i = 0; i < 5; i++) expect((await guesser.post('/device', { csrf, user_code: 'BCDF-GHJK' }, office)).status).toBe(400)
      expect((await guesser.post('/device', { csrf, user_code: 'BCDF-GHJK' }, office)).status).toBe(429)
    }
    const auth = (await c.authorize('198.51.100.20')).body
    const neighbour = new FetchBrowser(c.base)
    const entered = await neighbour.post('/device', { csrf: csrfOf((await neighbour.get('/device')).text), user_code: auth.user_code }, office)
    expect([entered.status, entered.location]).toEqual([303, `/device/confirm?user_code=${auth.user_code}`])
    // A new guesser there learns nothing: a wrong code is sent on to sign-in just the same.
    const newGuesser = new FetchBrowser(c.base)
    const guessed = await newGuesser.post('/device', { csrf: csrfOf((await newGuesser.get('/device')).text), user_code: 'BCDF-GHJL' }, office)
    expect([guessed.status, guessed.location]).toEqual([303, '/device/confirm?user_code=BCDF-GHJL'])

    await c.control('/users', { email: 'neighbour@example.com', password: 'neighbour pw', workspaces: [{ name: 'Neighbour' }] })
    await signIn(neighbour, 'neighbour@example.com', 'neighbour pw', office)
    const confirm = await neighbour.get(entered.location!)
    expect(confirm.status).toBe(200)
    const approved = await neighbour.post('/device/confirm', { csrf: csrfOf(confirm.text), user_code: auth.user_code, action: 'approve' }, office)
    expect(approved.location).toBe('/device/done?result=approved')
    expect((await pollToken(c.base, auth.device_code)).status).toBe(200)
  })

  test('once signed in, wrong codes count against the account: 10, then even a right code waits', async () => {
    const c = await consoleWith()
    await c.control('/users', { email: 'guesser@example.com', password: 'guesser pw' })
    const guesser = new FetchBrowser(c.base)
    await signIn(guesser, 'guesser@example.com', 'guesser pw')
    const csrf = csrfOf((await guesser.get('/device')).text)
    for (let i = 0; i < 10; i++) expect((await guesser.post('/device', { csrf, user_code: 'BCDF-GHJK' })).status).toBe(400)
    const auth = (await c.authorize()).body
    const locked = await guesser.post('/device', { csrf, user_code: auth.user_code })
    expect(locked.status).toBe(429)
    expect(locked.text).toContain('Too many wrong codes')
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    // The same account in another browser is the same account.
    const again = new FetchBrowser(c.base)
    await signIn(again, 'guesser@example.com', 'guesser pw')
    expect((await again.get(`/device/confirm?user_code=${auth.user_code}`)).status).toBe(429)
  })

  test('failed sign-ins for many emails from one address do not keep another person there out', async () => {
    const c = await consoleWith()
    const office = c.from('192.0.2.60')
    await c.control('/users', { email: 'colleague@example.com', password: 'colleague pw' })
    const guesser = new FetchBrowser(c.base)
    const csrf = csrfOf((await guesser.get('/login')).text)
    // More failures than any per-address limit would allow (each costs a password hash: slow).
    for (let i = 0; i < 25; i++) expect((await guesser.post('/login', { csrf, email: `victim-${i}@example.com`, password: 'guess' }, office)).status).toBe(401)
    await signIn(new FetchBrowser(c.base), 'colleague@example.com', 'colleague pw', office)
  }, 60_000)
})

describe('expired device codes are purged', () => {
  test('a poll soon after expiry gets expired_token; 10 minutes later the code is gone (invalid_grant)', async () => {
    const c = await consoleWith({ deviceTtlSeconds: 60 })
    const old = (await c.authorize()).body
    c.clock.now += 61_000
    expect((await pollToken(c.base, old.device_code)).body.error).toBe('expired_token')
    c.clock.now += 10 * 60 * 1000
    expect((await pollToken(c.base, old.device_code)).body.error).toBe('expired_token')
    await c.authorize() // issuing purges
    expect((await pollToken(c.base, old.device_code)).body.error).toBe('invalid_grant')
  })
})

async function signUp(base: string, email: string, headers: Record<string, string>) {
  const browser = new FetchBrowser(base)
  const csrf = csrfOf((await browser.get('/signup')).text)
  const answer = await browser.post('/signup', { csrf, email, password: 'a long password', workspace_name: 'Mine' }, headers)
  return { ...answer, cookies: browser.cookies }
}

async function signIn(browser: FetchBrowser, email: string, password: string, headers: Record<string, string> = {}) {
  const csrf = csrfOf((await browser.get('/login')).text)
  const answer = await browser.post('/login', { csrf, email, password }, headers)
  expect(answer.status).toBe(303)
}
