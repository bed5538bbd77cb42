// The session lifecycle with the compiled binary against the local Console (short --access-ttl):
// concurrent refreshes, kill -9 mid-refresh, network trouble, revocation, status --json in each
// state, logout of one device, API keys.
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { pensarBinary } from '../helpers/pensar-binary'
import { runPensar } from '../helpers/run-pensar'
import { untilJwtExpired, waitUntil } from '../helpers/wait-until'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-session-int-')

async function consoleWith(args: string[]) {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo', ...args])
  const control = (method: string, path: string, body?: unknown) => controlCall(c.url, method, path, body)
  return {
    url: c.url,
    stats: () => control('GET', '/_console/stats'),
    resetStats: () => control('POST', '/_console/stats/reset'),
    fault: (fault: Record<string, unknown>) => control('POST', '/_console/faults', fault),
    clearFaults: () => control('DELETE', '/_console/faults'),
    revokeSessions: (email: string) => control('POST', '/_console/sessions/revoke', { email }),
    createApiKey: (workspace: string, email: string) => control('POST', '/_console/api-keys', { workspace, email }),
  }
}

const login = (url: string) => loggedInHome(url, { root, workspace: 'acme' })

/** Waits, on the clock, until the stored access token has expired. */
const untilExpired = (h: LoggedInHome) => untilJwtExpired(String(h.auth().accessToken))

async function status(h: { home: string }, args: string[] = [], env: Record<string, string> = {}) {
  const run = await runPensar(['status', '--json', ...args], { home: h.home, env })
  const result = await run.done(60_000)
  const lines = result.stdout.trim().split('\n').filter(Boolean)
  return { ...result, report: lines.length === 1 ? (JSON.parse(lines[0]!) as Record<string, any>) : undefined }
}

const NOTICE = 'Your Pensar Console session has expired. Run `pensar login` to reconnect.'
const TOKEN_ROUTE = 'POST /user_management/authenticate'

describe('refresh across processes (compiled binary)', () => {
  test('20 concurrent processes with an expired token: one refresh at the server, no reuse, all exit 0', async () => {
    // 8 s: every process must read the one renewed token before it, too, expires (2 busy cores).
    const c = await consoleWith(['--access-ttl', '8'])
    const h = await login(c.url)
    await untilExpired(h)
    await c.resetStats()
    const runs = await Promise.all(Array.from({ length: 20 }, () => runPensar(['status', '--json'], { home: h.home })))
    const results = await Promise.all(runs.map((r) => r.done(60_000)))
    for (const r of results) {
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
      expect(JSON.parse(r.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } })
    }
    const stats = await c.stats()
    expect(stats.refreshes).toBe(1)
    expect(stats.reuseDetections).toBe(0)
    expect(stats.requests[TOKEN_ROUTE]).toBe(1)
    expect(existsSync(join(h.pensarHome, 'auth-refresh.lock'))).toBe(false)
  }, TIMEOUT)

  test('kill -9 in the middle of a refresh: the next command works', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await login(c.url)
    await untilExpired(h)
    const before = h.auth()
    await c.resetStats()
    await c.fault({ route: TOKEN_ROUTE, kind: 'delay', delayMs: 3_000 })
    const victim = await runPensar(['status', '--json'], { home: h.home })
    const lock = join(h.pensarHome, 'auth-refresh.lock')
    await waitUntil(async () => existsSync(lock) && Boolean((await c.stats()).requests[TOKEN_ROUTE]), 'the refresh to reach the Console')
    victim.kill() // SIGKILL while the Console holds the refresh request open
    expect((await victim.done()).code).not.toBe(0)
    expect(existsSync(lock)).toBe(true) // left behind by the dead process
    expect(h.auth().refreshToken).toBe(before.refreshToken)
    const next = await status(h)
    expect(next.code).toBe(0)
    expect(next.report).toMatchObject({ loggedIn: true, online: { ok: true } })
    expect((await c.stats()).reuseDetections).toBe(0)
  }, TIMEOUT)

  test('network failure during refresh keeps the session; the next command refreshes', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await login(c.url)
    await untilExpired(h)
    const before = readFileSync(join(h.pensarHome, 'auth.json'), 'utf8')
    await c.fault({ route: TOKEN_ROUTE, kind: 'drop' })
    const down = await status(h)
    expect(down.code).toBe(0)
    expect(down.report).toMatchObject({ loggedIn: true, online: { ok: false, balance: null, billingReady: null } })
    expect(readFileSync(join(h.pensarHome, 'auth.json'), 'utf8')).toBe(before)
    const up = await status(h)
    expect(up.code).toBe(0)
    expect(up.report).toMatchObject({ loggedIn: true, online: { ok: true, balance: 50, billingReady: true } })
  }, TIMEOUT)

  test('a 503 from the token endpoint keeps the session too', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await login(c.url)
    await untilExpired(h)
    await c.fault({ route: TOKEN_ROUTE, kind: '503', retryAfter: 0 })
    expect((await status(h)).report).toMatchObject({ loggedIn: true, online: { ok: false } })
    expect((await status(h)).report).toMatchObject({ loggedIn: true, online: { ok: true } })
  }, TIMEOUT)

  test('--debug shows the refresh without a single secret', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await login(c.url)
    await untilExpired(h)
    const before = h.auth()
    const run = await (await runPensar(['status', '--debug'], { home: h.home })).done(60_000)
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('/user_management/authenticate')
    const after = h.auth()
    for (const secret of [before.accessToken, before.refreshToken, after.accessToken, after.refreshToken, after.signingKey]) {
      expect(run.stderr + run.stdout).not.toContain(secret)
    }
    expect(run.stderr).not.toMatch(/rt_[A-Za-z0-9_-]{6,}|eyJ[\w-]+\.[\w-]+/)
  }, TIMEOUT)

  test('a lock file of a dead process does not block anything', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await login(c.url)
    await untilExpired(h)
    const dead = Bun.spawnSync(['true']).pid
    writeFileSync(join(h.pensarHome, 'auth-refresh.lock'), JSON.stringify({ pid: dead, host: hostname(), createdAt: Date.now(), id: 'dead' }))
    expect((await status(h)).code).toBe(0)
  }, TIMEOUT)
})

describe('revocation and logout (compiled binary)', () => {
  test('a revoked session: the notice once on stderr, exit 4; status --json keeps who and where', async () => {
    const c = await consoleWith(['--access-ttl', '300'])
    const h = await login(c.url)
    await c.revokeSessions(h.email)
    const run = await runPensar(['status'], { home: h.home })
    const human = await run.done(60_000)
    expect(human.code).toBe(4)
    expect(human.stderr.split(NOTICE)).toHaveLength(2)
    const after = await status(h)
    expect(after.code).toBe(4)
    expect(after.stderr.split(NOTICE)).toHaveLength(2)
    expect(after.report).toMatchObject({ loggedIn: false, authType: null, user: { email: h.email }, workspace: { slug: 'acme' }, online: null, source: null })
  }, TIMEOUT)

  test('logout revokes only this device: a second logged-in home keeps working', async () => {
    const c = await consoleWith(['--access-ttl', '300'])
    const [a, b] = [await login(c.url), await login(c.url)]
    await c.resetStats()
    const out = await (await runPensar(['logout'], { home: a.home })).done(60_000)
    expect(out.code).toBe(0)
    expect(out.stderr).toContain('revoked')
    expect((await c.stats()).revocations).toBe(1)
    expect(existsSync(join(a.pensarHome, 'auth.json'))).toBe(false)
    expect(a.config().apiUrl).toBe(c.url) // unrelated settings stay
    expect(a.config().workspace).toBeUndefined()
    expect((await status(a)).code).toBe(4)
    const other = await status(b)
    expect(other.code).toBe(0)
    expect(other.report).toMatchObject({ loggedIn: true, online: { ok: true } })
    expect((await (await runPensar(['logout'], { home: a.home })).done(60_000)).code).toBe(0) // twice
  }, TIMEOUT)

  test('logout with the Console down: local credentials gone, and it says the revocation did not happen', async () => {
    const c = await consoleWith(['--access-ttl', '300'])
    const h = await login(c.url)
    await c.fault({ route: 'POST /oauth/revoke', kind: 'drop' })
    const out = await (await runPensar(['logout'], { home: h.home })).done(60_000)
    expect(out.code).toBe(0)
    // Bun's own words for a dropped connection ("pass `verbose: true` …") never reach the person.
    expect(out.stderr).toBe(`Warning: Logged out on this computer only: the session stays valid at Pensar Console until it expires. Revoking it failed: Could not reach ${c.url}/oauth/revoke (the connection was closed before an answer came).\n`)
    expect(existsSync(join(h.pensarHome, 'auth.json'))).toBe(false)
  }, TIMEOUT)
})

describe('status --json states and API keys (compiled binary)', () => {
  test('not logged in: exit 4 and the stable object', async () => {
    const home = mkdtempSync(join(root, 'empty-'))
    const r = await status({ home })
    expect(r.code).toBe(4)
    expect(r.report).toEqual({ loggedIn: false, authType: null, user: null, workspace: null, apiUrl: 'https://api.console.pensar.dev', credentialStore: null, credentialBackend: null, expiresAt: null, online: null, source: null })
  }, TIMEOUT)

  test('logged in, online and --offline', async () => {
    const c = await consoleWith(['--access-ttl', '300'])
    const h = await login(c.url)
    const online = await status(h)
    expect(online.code).toBe(0)
    expect(online.report).toMatchObject({
      loggedIn: true, authType: 'workos', user: { email: h.email }, workspace: { slug: 'acme' }, apiUrl: c.url,
      credentialStore: join(h.pensarHome, 'auth.json'), online: { ok: true, balance: 50, billingReady: true }, source: 'file',
    })
    expect(Date.parse(online.report!.expiresAt)).toBeGreaterThan(Date.now())
    const offline = await status(h, ['--offline'])
    expect(offline.report).toMatchObject({ loggedIn: true, online: null })
  }, TIMEOUT)

  test('PENSAR_API_KEY (with whitespace around it) wins and resolves its workspace', async () => {
    const c = await consoleWith([])
    const { apiKey } = await c.createApiKey('low-balance', 'demo@pensar.local')
    const home = mkdtempSync(join(root, 'env-key-'))
    const r = await status({ home }, ['--api-url', c.url], { PENSAR_API_KEY: `  ${apiKey}\n` })
    expect(r.code).toBe(0)
    expect(r.report).toMatchObject({ loggedIn: true, authType: 'api-key', source: 'env', workspace: { slug: 'low-balance' }, expiresAt: null, online: { ok: true, balance: 0.42 } })
    expect(r.stdout + r.stderr).not.toContain(apiKey)
  }, TIMEOUT)

  test('login --with-api-key reads stdin, stores the key 0600; status shows it', async () => {
    const c = await consoleWith([])
    const { apiKey } = await c.createApiKey('acme', 'demo@pensar.local')
    const home = mkdtempSync(join(root, 'stdin-key-'))
    const proc = Bun.spawn([await pensarBinary(), 'login', '--with-api-key', '--api-url', c.url], {
      env: { PATH: process.env.PATH!, HOME: home, PENSAR_HOME: join(home, '.pensar'), NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost' },
      stdin: new TextEncoder().encode(`\n ${apiKey} \r\n`),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    try {
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()])
      expect({ code, stderr }).toMatchObject({ code: 0 })
      expect(stderr).not.toContain(apiKey)
      const authPath = join(home, '.pensar', 'auth.json')
      expect(statSync(authPath).mode & 0o777).toBe(0o600)
      expect(JSON.parse(readFileSync(authPath, 'utf8')).apiKey).toBe(apiKey)
      const r = await status({ home })
      expect(r.report).toMatchObject({ loggedIn: true, authType: 'api-key', source: 'file', workspace: { slug: 'acme' }, online: { ok: true } })
    } finally {
      proc.kill()
    }
  }, TIMEOUT)

  test('login --with-api-key: a rejected key exits 4 and stores nothing; --workspace with it is a usage error', async () => {
    const c = await consoleWith([])
    const home = mkdtempSync(join(root, 'stdin-bad-'))
    const run = (args: string[], input: string) => {
      const proc = Bun.spawn([binary, 'login', '--with-api-key', '--api-url', c.url, ...args], {
        env: { PATH: process.env.PATH!, HOME: home, PENSAR_HOME: join(home, '.pensar'), NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost' },
        stdin: new TextEncoder().encode(input),
        stdout: 'pipe',
        stderr: 'pipe',
      })
      return Promise.all([proc.exited, new Response(proc.stderr).text()]).finally(() => proc.kill())
    }
    const binary = await pensarBinary()
    const [rejected, rejectedErr] = await run([], 'psk_unknown_key_0000000000\n')
    expect(rejected).toBe(4)
    expect(rejectedErr).toContain('unknown or revoked')
    expect(rejectedErr).not.toContain('psk_unknown_key_0000000000')
    expect(existsSync(join(home, '.pensar', 'auth.json'))).toBe(false)
    const [usage] = await run(['--workspace', 'acme'], 'psk_x\n')
    expect(usage).toBe(2)
    const [empty, emptyErr] = await run([], '  \n')
    expect(empty).toBe(2)
    expect(emptyErr).toContain('No API key on stdin')
  }, TIMEOUT)

  test('a server answering HTML instead of JSON: a clear message, the login kept', async () => {
    const html = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('<!doctype html><h1>Sign in to the Wi-Fi</h1>', { headers: { 'content-type': 'text/html' } }) })
    try {
      const c = await consoleWith(['--access-ttl', '2'])
      const h = await login(c.url)
      await untilExpired(h)
      const before = readFileSync(join(h.pensarHome, 'auth.json'), 'utf8')
      const portal = `http://127.0.0.1:${html.port}`
      const auth = JSON.parse(before)
      writeFileSync(join(h.pensarHome, 'auth.json'), JSON.stringify({ ...auth, tokenEndpoint: `${portal}/user_management/authenticate` }))
      const run = await (await runPensar(['status'], { home: h.home })).done(60_000)
      expect(run.code).toBe(0)
      expect(run.stdout).toStartWith('Logged in, not verified\n')
      expect(run.stdout).toContain('not JSON')
      expect(JSON.parse(readFileSync(join(h.pensarHome, 'auth.json'), 'utf8')).refreshToken).toBe(auth.refreshToken)
    } finally {
      html.stop(true)
    }
  }, TIMEOUT)

  test('the legacy device flow (older backends) ends in API-key auth that status and logout handle', async () => {
    const c = await consoleWith(['--legacy-only'])
    const h = await loggedInHome(c.url, { root })
    expect(h.auth()).toMatchObject({ authType: 'api-key' })
    const r = await status(h)
    expect(r.code).toBe(0)
    expect(r.report).toMatchObject({ loggedIn: true, authType: 'api-key', source: 'file', expiresAt: null, online: { ok: true } })
    const out = await (await runPensar(['logout'], { home: h.home })).done(60_000)
    expect(out.code).toBe(0)
    expect(out.stderr).toContain('Settings > API keys')
    expect((await status(h)).code).toBe(4)
  }, TIMEOUT)

  test('a revoked API key: status exit 4', async () => {
    const c = await consoleWith([])
    const home = mkdtempSync(join(root, 'bad-key-'))
    const r = await status({ home }, ['--api-url', c.url], { PENSAR_API_KEY: 'psk_not_a_real_key_000000' })
    expect(r.code).toBe(4)
    expect(r.report).toMatchObject({ loggedIn: false })
  }, TIMEOUT)
})
