// The compiled binary against the local Console on port 0, driven like a script would drive it:
// no terminal, `--json` events on stdout, approvals and denials through the Console's control API.
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import type { FaultKind, WorkspaceSpec } from '../helpers/console'
import { runPensar, type PensarRun } from '../helpers/run-pensar'
import { waitUntil } from '../helpers/wait-until'

const TIMEOUT = 60_000
const { root, startConsole } = binarySuite('pensar-int-')

async function consoleWith(args: string[] = []) {
  const c = await startConsole(['--interval', '0.2', ...args])
  const { control } = c
  return {
    url: c.url,
    createUser: (email: string, workspaces: WorkspaceSpec[]) => control.createUser(email, { password: 'pw', workspaces }),
    createWorkspace: (email: string, name: string, slug: string) => control.createWorkspace(email, { name, slug, balance: 20, hasPaymentMethod: true }),
    approve: (userCode: unknown, email: string) => control.approve(String(userCode), email),
    deny: (userCode: unknown) => control.deny(String(userCode)),
    fault: (kind: FaultKind, opts: { count?: number; retryAfter?: number } = {}) => control.fault('POST /user_management/authenticate', kind, opts),
    stats: () => control.stats(),
  }
}

function newHome(): string {
  const home = mkdtempSync(join(root, 'home-'))
  return home
}

const pensarHome = (home: string) => join(home, '.pensar')
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>

async function login(home: string, apiUrl: string, extra: string[] = []): Promise<PensarRun> {
  return runPensar(['login', '--json', '--no-browser', '--api-url', apiUrl, ...extra], { home })
}

const ACME = { name: 'Acme', slug: 'acme', balance: 50, hasPaymentMethod: true }

describe('pensar login (compiled) against the local Console', () => {
  test('happy path: --json events only on stdout, secrets redacted in --debug, session saved 0600 in a 0700 folder', async () => {
    const c = await consoleWith()
    await c.createUser('happy@pensar.local', [ACME])
    const home = newHome()
    const run = await login(home, c.url, ['--debug'])
    const code = await run.waitForEvent('device_code')
    expect(code.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(String(code.verification_uri)).toStartWith(c.url)
    await c.approve(code.user_code, 'happy@pensar.local')
    const result = await run.done()
    expect(result.code).toBe(0)
    expect(result.events.map((e) => e.event)).toEqual(['device_code', 'authorized', 'workspace_selected', 'logged_in'])
    expect(result.events[3]).toMatchObject({ authType: 'workos', user: { email: 'happy@pensar.local' }, workspace: { slug: 'acme' }, billing: { balance: 50, ready: true } })
    const dir = pensarHome(home)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    for (const file of ['config.json', 'auth.json']) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600)
    const config = readJson(join(dir, 'config.json'))
    const auth = readJson(join(dir, 'auth.json'))
    expect(config).toMatchObject({ version: 1, apiUrl: c.url, authType: 'workos', workspace: { slug: 'acme' } })
    expect(auth.accessToken).toStartWith('eyJ')
    expect(auth.refreshToken).toBeString()
    expect(auth.signingKey).toBeString()
    expect(auth.tokenEndpoint).toBe(`${c.url}/user_management/authenticate`)
    // --debug logs every request and answer, with every token, key and device code redacted.
    expect(result.stderr).toContain('→ POST')
    expect(result.stderr).not.toMatch(/dc_[\w-]{8,}/)
    for (const secret of [auth.accessToken, auth.refreshToken, auth.signingKey]) {
      expect(result.stdout + result.stderr).not.toContain(secret)
      expect(JSON.stringify(config)).not.toContain(secret)
    }
    expect((await c.stats()).deviceGrants).toBe(1)
  }, TIMEOUT)

  test('without --json and without a terminal: plain lines on stderr, nothing on stdout', async () => {
    const c = await consoleWith()
    await c.createUser('plain@pensar.local', [ACME])
    const run = await runPensar(['login', '--no-browser', '--api-url', c.url], { home: newHome() })
    const stderr = await run.waitForStderr(/the code ([A-Z]{4}-[A-Z]{4})/)
    await c.approve(stderr.match(/the code ([A-Z]{4}-[A-Z]{4})/)![1], 'plain@pensar.local')
    const result = await run.done()
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`${c.url}/device?user_code=`)
    expect(result.stderr).toContain('Logged in as plain@pensar.local')
    expect(result.stderr).not.toContain('\x1b[')
  }, TIMEOUT)

  test('denied in the browser: exit 1, an error event, nothing saved', async () => {
    const c = await consoleWith()
    const home = newHome()
    const run = await login(home, c.url)
    await c.deny((await run.waitForEvent('device_code')).user_code)
    const result = await run.done()
    expect(result.code).toBe(1)
    expect(result.events.at(-1)).toEqual({ event: 'error', code: 'access_denied', message: 'Authorization was denied in the browser.', hint: expect.any(String) })
    expect(existsSync(join(pensarHome(home), 'auth.json'))).toBe(false)
  }, TIMEOUT)

  test('the code expires: exit 1 with "The code expired"', async () => {
    const c = await consoleWith(['--device-ttl', '1'])
    const home = newHome()
    const result = await (await login(home, c.url)).done()
    expect(result.code).toBe(1)
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'expired_token', message: 'The code expired. Run `pensar login` again.' })
    expect(existsSync(join(pensarHome(home), 'auth.json'))).toBe(false)
  }, TIMEOUT)

  test('500s and dropped connections while polling are retried until approval', async () => {
    const c = await consoleWith()
    await c.createUser('flaky@pensar.local', [ACME])
    const polls = async () => (await c.stats()).requests['POST /user_management/authenticate'] ?? 0
    // One armed fault per route at a time: arm the drops once the 500s have been used up.
    await c.fault('500', { count: 2 })
    const run = await login(newHome(), c.url)
    const code = await run.waitForEvent('device_code')
    await waitUntil(async () => (await polls()) >= 2, 'two polls at the Console')
    await c.fault('drop', { count: 2 })
    await waitUntil(async () => (await polls()) >= 4, 'four polls at the Console')
    await c.approve(code.user_code, 'flaky@pensar.local')
    const result = await run.done()
    expect(result.code).toBe(0)
    expect(result.events.at(-1)).toMatchObject({ event: 'logged_in' })
    expect(await polls()).toBeGreaterThanOrEqual(5)
    expect((await c.stats()).deviceGrants).toBe(1)
  }, TIMEOUT)

  test('a 503 with Retry-After while polling is honoured and the login completes', async () => {
    const c = await consoleWith()
    await c.createUser('busy@pensar.local', [ACME])
    await c.fault('503', { count: 1, retryAfter: 1 })
    const run = await login(newHome(), c.url)
    await c.approve((await run.waitForEvent('device_code')).user_code, 'busy@pensar.local')
    expect((await run.done()).code).toBe(0)
  }, TIMEOUT)

  test('device authorization rate-limited for 15 minutes: said at once, not waited out in silence', async () => {
    const c = await consoleWith(['--device-code-limit', '1'])
    const first = await login(newHome(), c.url)
    await first.waitForEvent('device_code')
    first.kill()
    const started = Date.now()
    const result = await (await runPensar(['login', '--no-browser', '--api-url', c.url], { home: newHome() })).done()
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('Error: Pensar Console is limiting login requests from this address; try again in 15 minutes.\nEvery login started from this address counts, other people\'s on the same network too.\n')
    expect(Date.now() - started).toBeLessThan(10_000) // not the 5 minutes a capped Retry-After was once slept through
    expect((await c.stats()).requests['POST /user_management/authorize/device']).toBe(2) // no retry either
  }, TIMEOUT)

  test('several workspaces: --workspace picks one', async () => {
    const c = await consoleWith()
    await c.createUser('many@pensar.local', [ACME, { name: 'Beta', slug: 'beta', balance: 10, hasPaymentMethod: true }])
    const home = newHome()
    const run = await login(home, c.url, ['--workspace', 'beta'])
    await c.approve((await run.waitForEvent('device_code')).user_code, 'many@pensar.local')
    const result = await run.done()
    expect(result.code).toBe(0)
    expect(result.events.find((e) => e.event === 'workspace_selected')).toMatchObject({ workspace: { slug: 'beta' } })
    expect(readJson(join(pensarHome(home), 'config.json')).workspace.slug).toBe('beta')
  }, TIMEOUT)

  test('several workspaces without --workspace and without a terminal: exit 2 listing the slugs', async () => {
    const c = await consoleWith()
    await c.createUser('choose@pensar.local', [ACME, { name: 'Beta', slug: 'beta', balance: 10, hasPaymentMethod: true }])
    const home = newHome()
    const run = await login(home, c.url)
    await c.approve((await run.waitForEvent('device_code')).user_code, 'choose@pensar.local')
    const result = await run.done()
    expect(result.code).toBe(2)
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'workspace_required' })
    expect(String(result.events.at(-1)!.message)).toContain('acme, beta')
    expect(existsSync(join(pensarHome(home), 'auth.json'))).toBe(false)
    expect((await c.stats()).revocations).toBe(1)
  }, TIMEOUT)

  test('no workspace yet: waits, then takes the one created meanwhile', async () => {
    const c = await consoleWith()
    await c.createUser('new@pensar.local', [])
    const run = await login(newHome(), c.url)
    await c.approve((await run.waitForEvent('device_code')).user_code, 'new@pensar.local')
    const waiting = await run.waitForEvent('waiting_for_workspace')
    expect(waiting.url).toBe(`${c.url}/workspaces/new`)
    await c.createWorkspace('new@pensar.local', 'Late Start', 'late-start')
    const result = await run.done(45_000)
    expect(result.code).toBe(0)
    expect(result.events.at(-1)).toMatchObject({ event: 'logged_in', workspace: { slug: 'late-start' } })
  }, TIMEOUT)

  test('billing not ready and low balance: warnings, and the login still succeeds', async () => {
    const c = await consoleWith()
    await c.createUser('bill@pensar.local', [
      { name: 'No Billing', slug: 'no-billing', balance: 0, hasPaymentMethod: false },
      { name: 'Low Balance', slug: 'low-balance', balance: 0.42, hasPaymentMethod: true },
    ])
    for (const [slug, warning] of [['no-billing', 'billing_not_ready'], ['low-balance', 'low_balance']] as const) {
      const run = await login(newHome(), c.url, ['--workspace', slug])
      await c.approve((await run.waitForEvent('device_code')).user_code, 'bill@pensar.local')
      const result = await run.done()
      expect(result.code).toBe(0)
      expect(result.events.find((e) => e.event === 'warning')).toMatchObject({ code: warning, url: `${c.url}/${slug}/settings/billing` })
      expect(result.stderr).toContain(warning === 'low_balance' ? 'Low credit balance ($0.42)' : "Billing isn't set up for No Billing")
    }
  }, TIMEOUT)

  test('corrupt files are kept aside with a warning and the login goes on', async () => {
    const c = await consoleWith()
    await c.createUser('corrupt@pensar.local', [ACME])
    const home = newHome()
    mkdirSync(pensarHome(home), { recursive: true, mode: 0o700 })
    writeFileSync(join(pensarHome(home), 'config.json'), '{"apiUrl": ')
    writeFileSync(join(pensarHome(home), 'auth.json'), 'not json at all')
    const run = await login(home, c.url)
    await c.approve((await run.waitForEvent('device_code')).user_code, 'corrupt@pensar.local')
    const result = await run.done()
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('could not be read')
    const files = readdirSync(pensarHome(home))
    expect(files.filter((f) => f.startsWith('config.json.corrupt-'))).toHaveLength(1)
    expect(files.filter((f) => f.startsWith('auth.json.corrupt-'))).toHaveLength(1)
    expect(readJson(join(pensarHome(home), 'auth.json')).accessToken).toStartWith('eyJ')
  }, TIMEOUT)

  test('an older backend without /api/cli/config: the legacy flow saves an API key', async () => {
    const c = await consoleWith(['--legacy-only'])
    await c.createUser('legacy@pensar.local', [ACME])
    const home = newHome()
    const run = await login(home, c.url)
    await c.approve((await run.waitForEvent('device_code')).user_code, 'legacy@pensar.local')
    const result = await run.done()
    expect(result.code).toBe(0)
    expect(result.events.at(-1)).toMatchObject({ event: 'logged_in', authType: 'api-key', workspace: { slug: 'acme' } })
    const auth = readJson(join(pensarHome(home), 'auth.json'))
    expect(auth.apiKey).toStartWith('psk_')
    expect(result.stdout + result.stderr).not.toContain(auth.apiKey)
  }, TIMEOUT)
})
