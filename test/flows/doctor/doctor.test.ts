import { afterEach, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Env } from '../../../src/context'
import type { CheckResult } from '../../../src/flows/doctor/check'
import { doctor, runDoctorChecks, type DoctorReport } from '../../../src/flows/doctor/doctor'
import type { CredentialMode } from '../../../src/lib/credential-mode'
import { CancelledError, SilentError } from '../../../src/lib/errors'
import { LOCK_FILE_NAME } from '../../../src/lib/refresh-lock'
import { createSystemProbes, type SystemProbes } from '../../../src/lib/system-probes'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { fakeKeychain, FakeSecrets } from '../../helpers/fake-keychain'
import { certificateError, json, networkError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, seedApiKeySession, seedWorkosSession } from '../../helpers/session-fixtures'

const contexts: TestContext[] = []
afterEach(() => contexts.splice(0).forEach((t) => t.cleanup()))

interface Setup {
  env?: Partial<Env>
  vars?: Record<string, string | undefined>
  probes?: Partial<SystemProbes>
  /** Server time minus local time, for the Date header. */
  skewMs?: number
  config?: unknown
  /** An OS keychain (fake Bun.secrets) and the credential mode. */
  keychain?: FakeSecrets
  credentialMode?: CredentialMode
}

/** A context whose API answers /api/cli/config once, and probes that find xdg-open on a desktop. */
function setUp(setup: Setup = {}) {
  const keychain = setup.keychain ? fakeKeychain(setup.keychain).keychain : undefined
  const t = createTestContext({ env: { ...setup.env, vars: { DISPLAY: ':0', ...setup.vars } }, keychain, credentialMode: setup.credentialMode })
  contexts.push(t)
  const date = () => new Date(t.clock.now() + (setup.skewMs ?? 0)).toUTCString()
  if (setup.config !== null) t.fetch.on('GET', '/api/cli/config', () => json(setup.config ?? { clientId: 'client_cli', issuer: TEST_API }, 200, { date: date() }))
  const probes = createSystemProbes(t.ctx.env.vars, {
    platform: 'linux',
    hostname: () => 'this-host',
    which: (c) => (c === 'xdg-open' ? '/usr/bin/xdg-open' : null),
    isWsl: () => false,
    isProcessAlive: () => false,
    ...setup.probes,
  })
  return { ...t, probes }
}

async function run(t: ReturnType<typeof setUp>, budgetMs?: number): Promise<{ report: DoctorReport; failed: boolean }> {
  const { report } = await runDoctorChecks(t.ctx, { apiBudgetMs: budgetMs }, t.probes)
  return { report, failed: !report.ok }
}

const check = (report: DoctorReport, id: string): CheckResult => report.checks.find((c) => c.id === id)!

async function seedSession(t: ReturnType<typeof setUp>, accessTtlMs: number, refreshToken?: string) {
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), accessTtlMs), refreshToken })
}

describe('pensar doctor', () => {
  test('a healthy setup: every check passes, one line each, and exit 0', async () => {
    const t = setUp()
    await seedSession(t, 240_000)
    const report = await doctor(t.ctx, {}, t.probes)
    expect(report.ok).toBe(true)
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['home', 'ok'], ['files', 'ok'], ['keychain', 'ok'], ['refresh-lock', 'ok'], ['browser', 'ok'], ['proxy', 'ok'], ['ca', 'ok'], ['api', 'ok'], ['clock', 'ok'], ['session', 'ok'],
    ])
    expect(check(report, 'browser').message).toContain('xdg-open')
    expect(check(report, 'api').message).toContain("issuer's OpenID discovery")
    expect(check(report, 'session').message).toMatch(/^The access token is valid for 4m 00s by the server's clock; a refresh token is stored/)
    expect(t.ui.text).toContain('✓ PENSAR_HOME:')
    expect(t.ui.reports[0]!.verdict).toEqual({ tone: 'ok', text: 'Everything a login needs is in place.' })
    t.fetch.verify()
  })

  test('--json: one object { ok, checks } and nothing said for people', async () => {
    const t = setUp({ env: { json: true }, config: { workosClientId: 'client_cli' } })
    await doctor(t.ctx, {}, t.probes)
    expect(t.ui.events).toHaveLength(1)
    const report = t.ui.events[0] as unknown as DoctorReport
    expect(Object.keys(report)).toEqual(['ok', 'checks'])
    for (const c of report.checks) expect(['ok', 'warn', 'fail']).toContain(c.status)
    expect(check(report, 'api').message).toContain('WorkOS device authorization')
    expect(t.ui.lines).toEqual([])
  })

  test('a failed check: ✗ line with its hint, a verdict, and exit 1', async () => {
    const t = setUp({ config: null })
    t.fetch.on('GET', '/api/cli/config', json({}, 503))
    const error = await doctor(t.ctx, {}, t.probes).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SilentError)
    expect((error as SilentError).exitCode).toBe(1)
    expect(t.ui.text).toContain(`✗ API (failed): ${TEST_API}/api/cli/config answered 503.\n    The Console is having trouble`)
    expect(t.ui.reports[0]!.lines).toContainEqual({ tone: 'fail', text: `✗ API (failed): ${TEST_API}/api/cli/config answered 503.` })
    expect(t.ui.reports[0]!.lines).toContainEqual({ tone: 'warn', text: "! Clock (warning): Not checked: the server's answer had no Date header." })
    expect(t.ui.reports[0]!.verdict).toEqual({ tone: 'fail', text: '1 check failed, 1 warning: a login would not work until that is fixed.' })
  })

  test('changes nothing: no folder created, a corrupt file left where it is, the session not checked', async () => {
    const t = setUp()
    expect((await run(t)).report.ok).toBe(true)
    expect(existsSync(t.home)).toBe(false)
    mkdirSync(t.home, { recursive: true, mode: 0o700 })
    writeFileSync(join(t.home, 'auth.json'), '{ not json', { mode: 0o600 })
    t.fetch.on('GET', '/api/cli/config', json({ clientId: 'c' }))
    const { report, failed } = await run(t)
    expect(failed).toBe(true)
    expect(check(report, 'files')).toMatchObject({ status: 'fail', hint: expect.stringContaining('pensar login') })
    expect(check(report, 'files').message).toContain('auth.json is not usable (not valid JSON)')
    expect(check(report, 'session').message).toContain('Not checked')
    expect(readdirSync(t.home)).toEqual(['auth.json'])
  })

  test('a damaged config.json is left where it is, with no warning: the keychain check reads it as the files check did', async () => {
    const t = setUp({ keychain: new FakeSecrets(), credentialMode: 'auto' })
    mkdirSync(t.home, { recursive: true, mode: 0o700 })
    writeFileSync(join(t.home, 'config.json'), '{ not json', { mode: 0o600 })
    const { report } = await run(t)
    expect(check(report, 'files').message).toContain('config.json is not usable (not valid JSON); the next pensar command moves it aside')
    expect(check(report, 'keychain').status).toBe('ok')
    expect(readdirSync(t.home)).toEqual(['config.json'])
    expect(t.ui.lines).toEqual([])
  })

  test('a wrong-typed field in auth.json fails with the session code’s own message', async () => {
    const t = setUp()
    mkdirSync(t.home, { recursive: true, mode: 0o700 })
    writeFileSync(join(t.home, 'auth.json'), JSON.stringify({ version: 1, accessToken: 42 }), { mode: 0o600 })
    const { report } = await run(t)
    expect(check(report, 'files')).toMatchObject({ status: 'fail', message: expect.stringContaining('`accessToken` should be a string') })
  })

  test('looser modes than 0700 / 0600 are a warning with the chmod to run', async () => {
    const t = setUp()
    await seedSession(t, 240_000)
    chmodSync(t.home, 0o755)
    chmodSync(join(t.home, 'auth.json'), 0o644)
    const { report } = await run(t)
    expect(report.ok).toBe(true)
    expect(check(report, 'home')).toMatchObject({ status: 'warn', message: expect.stringContaining('auth.json is 0644 (should be 0600)') })
    expect(check(report, 'home').hint).toContain(`Run chmod 700 ${t.home} && chmod 600 ${join(t.home, 'auth.json')} (pensar does not change the mode of a folder it did not create)`)
  })

  test('a PENSAR_HOME that cannot be created fails', async () => {
    const t = setUp({ probes: { writable: () => false } })
    const { report, failed } = await run(t)
    expect(failed).toBe(true)
    expect(check(report, 'home')).toMatchObject({ status: 'fail', hint: 'Point PENSAR_HOME at a folder you can write to.' })
  })

  describe('the refresh lock', () => {
    const lock = (t: ReturnType<typeof setUp>, holder: Record<string, unknown>) => {
      mkdirSync(t.home, { recursive: true, mode: 0o700 })
      writeFileSync(join(t.home, LOCK_FILE_NAME), JSON.stringify(holder))
    }

    test('left over by a process that is gone: a warning saying so, with the file to remove', async () => {
      const t = setUp()
      lock(t, { pid: 4242, host: 'this-host', createdAt: t.clock.now() - 5_000, id: 'x' })
      const c = check((await run(t)).report, 'refresh-lock')
      expect(c).toMatchObject({ status: 'warn', message: expect.stringContaining('process 4242, which is no longer running') })
      expect(c.hint).toContain(join(t.home, LOCK_FILE_NAME))
    })

    test('held right now by a live process: fine', async () => {
      const t = setUp({ probes: { isProcessAlive: (pid) => pid === 4242 } })
      lock(t, { pid: 4242, host: 'this-host', createdAt: t.clock.now() - 1_000, id: 'x' })
      expect(check((await run(t)).report, 'refresh-lock')).toMatchObject({ status: 'ok', message: expect.stringContaining('Process 4242 is renewing') })
    })

    test('from another computer and stale: a warning about a shared PENSAR_HOME', async () => {
      const t = setUp()
      lock(t, { pid: 1, host: 'other-host', createdAt: t.clock.now() - 120_000, id: 'x' })
      expect(check((await run(t)).report, 'refresh-lock')).toMatchObject({ status: 'warn', message: expect.stringContaining('other-host') })
    })
  })

  describe('the browser opener', () => {
    test('BROWSER wins, found through the same lookup the login uses', async () => {
      const t = setUp({ vars: { BROWSER: 'firefox --new-tab' }, probes: { which: (c) => (c === 'firefox' ? '/opt/firefox' : null) } })
      expect(check((await run(t)).report, 'browser')).toMatchObject({ status: 'ok', message: 'Addresses open with firefox (/opt/firefox).' })
    })

    test('a later BROWSER entry that exists is enough', async () => {
      const t = setUp({ vars: { BROWSER: 'nosuchbrowser:firefox %s' }, probes: { which: (c) => (c === 'firefox' ? '/opt/firefox' : null) } })
      expect(check((await run(t)).report, 'browser')).toMatchObject({ status: 'ok', message: 'Addresses open with firefox (/opt/firefox).' })
    })

    test('a BROWSER that is not installed is a warning even when xdg-open would do', async () => {
      const t = setUp({ vars: { BROWSER: 'nosuchbrowser' } })
      expect(check((await run(t)).report, 'browser')).toMatchObject({ status: 'warn', message: expect.stringContaining('BROWSER (nosuchbrowser) was not found') })
    })

    test('SSH without a display: the URL must be opened by hand', async () => {
      const t = setUp({ vars: { DISPLAY: undefined, SSH_CONNECTION: '10.0.0.2 5000 10.0.0.1 22' } })
      const c = check((await run(t)).report, 'browser')
      expect(c.status).toBe('warn')
      expect(c.message).toContain('SSH session without a display')
      expect(c.message).toContain('by hand')
    })

    test('WSL without wslview or xdg-open: install wslu or set BROWSER', async () => {
      const t = setUp({ vars: { DISPLAY: undefined, WSL_DISTRO_NAME: 'Ubuntu' }, probes: { isWsl: () => true, which: () => null } })
      const c = check((await run(t)).report, 'browser')
      expect(c).toMatchObject({ status: 'warn', message: expect.stringContaining('WSL') })
      expect(c.hint).toContain('wslu')
    })

    test('WSL with wslview: fine', async () => {
      const t = setUp({ vars: { DISPLAY: undefined, WSL_DISTRO_NAME: 'Ubuntu' }, probes: { isWsl: () => true, which: (c) => (c === 'wslview' ? '/usr/bin/wslview' : null) } })
      expect(check((await run(t)).report, 'browser')).toMatchObject({ status: 'ok', message: 'Addresses open with wslview (/usr/bin/wslview) (WSL).' })
    })

    test('macOS over SSH: `open` would show the browser on the remote screen', async () => {
      const t = setUp({ vars: { SSH_TTY: '/dev/ttys001' }, probes: { platform: 'darwin', which: (c) => (c === 'open' ? '/usr/bin/open' : null) } })
      expect(check((await run(t)).report, 'browser')).toMatchObject({ status: 'warn', message: expect.stringContaining("remote Mac's screen") })
    })
  })

  describe('the proxy', () => {
    const local = 'http://127.0.0.1:4000'
    test('a loopback API not in NO_PROXY goes through the proxy: a warning with the NO_PROXY to set', async () => {
      const t = setUp({ env: { apiUrl: local, apiUrlExplicit: true }, vars: { HTTP_PROXY: 'http://user:s3cret@proxy.corp:3128' } })
      const { report } = await run(t)
      const c = check(report, 'proxy')
      expect(c.status).toBe('warn')
      expect(c.message).toContain('127.0.0.1 is on this computer')
      expect(c.message).toContain('http://***@proxy.corp:3128')
      expect(c.hint).toContain('NO_PROXY=127.0.0.1,localhost')
      expect(JSON.stringify(report) + t.ui.text).not.toContain('s3cret')
    })

    test.each([['127.0.0.1'], ['localhost,127.0.0.1:4000'], ['*']])('NO_PROXY=%s sends the loopback API around it', async (noProxy) => {
      const t = setUp({ env: { apiUrl: local, apiUrlExplicit: true }, vars: { HTTP_PROXY: 'http://proxy.corp:3128', NO_PROXY: noProxy } })
      expect(check((await run(t)).report, 'proxy')).toMatchObject({ status: 'ok', message: expect.stringContaining('bypasses') })
    })

    test('HTTPS_PROXY only matters to an https API, HTTP_PROXY only to http (as Bun does it)', async () => {
      const t = setUp({ vars: { HTTP_PROXY: 'http://proxy.corp:3128' } })
      expect(check((await run(t)).report, 'proxy')).toMatchObject({ status: 'ok', message: expect.stringContaining('No proxy applies') })
      const u = setUp({ vars: { HTTPS_PROXY: 'http://proxy.corp:3128' } })
      expect(check((await run(u)).report, 'proxy')).toMatchObject({ status: 'ok', message: expect.stringContaining('go through HTTPS_PROXY=http://proxy.corp:3128') })
    })
  })

  describe('custom CA certificates', () => {
    test.each([
      ['missing', (dir: string) => join(dir, 'nope.pem'), 'fail'],
      ['not PEM', (dir: string) => (writeFileSync(join(dir, 'x.der'), 'garbage'), join(dir, 'x.der')), 'warn'],
      ['a PEM bundle', (dir: string) => (writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n'), join(dir, 'ca.pem')), 'ok'],
    ] as const)('NODE_EXTRA_CA_CERTS or SSL_CERT_FILE %s', async (_name, make, status) => {
      const probe = setUp()
      const dir = join(probe.home, '..')
      for (const name of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE']) {
        const t = setUp({ vars: { [name]: make(dir) } })
        const ca = check((await run(t)).report, 'ca')
        expect(ca.status).toBe(status)
        expect(ca.message).toStartWith(`${name}=`)
      }
    })

    test('both set: each is checked, and the worse one decides', async () => {
      const probe = setUp()
      const dir = join(probe.home, '..')
      writeFileSync(join(dir, 'ok.pem'), '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n')
      const t = setUp({ vars: { NODE_EXTRA_CA_CERTS: join(dir, 'ok.pem'), SSL_CERT_FILE: join(dir, 'nope.pem') } })
      const ca = check((await run(t)).report, 'ca')
      expect(ca.status).toBe('fail')
      expect(ca.message).toContain('NODE_EXTRA_CA_CERTS=')
      expect(ca.message).toContain('SSL_CERT_FILE=')
    })
  })

  describe('the API', () => {
    test('no CLI config (404): the legacy device flow', async () => {
      const t = setUp({ config: null })
      t.fetch.on('GET', '/api/cli/config', json({ error: 'not_found' }, 404))
      const { report } = await run(t)
      expect(check(report, 'api')).toMatchObject({ status: 'ok', message: expect.stringContaining('legacy device flow') })
    })

    test.each([
      ['a 503', () => json({}, 503), 'answered 503'],
      ['a dropped connection', networkError('ECONNRESET'), 'Could not reach'],
    ])('%s fails, and the clock is then not checked', async (_name, respond, message) => {
      const t = setUp({ config: null })
      t.fetch.on('GET', '/api/cli/config', respond)
      const { report, failed } = await run(t)
      expect(failed).toBe(true)
      expect(check(report, 'api')).toMatchObject({ status: 'fail', message: expect.stringContaining(message) })
    })

    test('a server that never answers is given up on after the budget', async () => {
      const t = setUp({ config: null })
      t.fetch.on('GET', '/api/cli/config', () => new Promise<Response>(() => {}))
      const { report } = await run(t, 50)
      expect(check(report, 'api')).toMatchObject({ status: 'fail', message: `${TEST_API} did not answer within 0.05 s.` })
      expect(check(report, 'clock')).toMatchObject({ status: 'warn', message: 'Not checked: the API did not answer.' })
    }, 10_000)

    test('Ctrl-C while waiting for the API ends the report as cancelled', async () => {
      const t = setUp({ config: null })
      let requested!: () => void
      const reached = new Promise<void>((resolve) => (requested = resolve))
      t.fetch.on('GET', '/api/cli/config', () => (requested(), new Promise<Response>(() => {})))
      const pending = doctor(t.ctx, {}, t.probes).catch((e: unknown) => e)
      await reached
      t.abort.abort(new CancelledError('Cancelled.'))
      expect(await pending).toBeInstanceOf(CancelledError)
    })

    test('a proxied API that cannot be reached points at the proxy', async () => {
      const t = setUp({ config: null, vars: { HTTPS_PROXY: 'http://proxy.corp:3128' } })
      t.fetch.on('GET', '/api/cli/config', networkError('ECONNREFUSED'))
      expect(check((await run(t)).report, 'api').hint).toContain('HTTPS_PROXY=http://proxy.corp:3128')
    })

    test('a certificate error says so and points at NODE_EXTRA_CA_CERTS', async () => {
      const t = setUp({ config: null })
      t.fetch.on('GET', '/api/cli/config', certificateError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unable to get local issuer certificate'))
      const api = check((await run(t)).report, 'api')
      expect(api.message).toContain('Could not verify the certificate of')
      expect(api.hint).toContain('NODE_EXTRA_CA_CERTS')
    })
  })

  describe('clock skew against the server’s Date header', () => {
    test.each([
      [1_000, 'ok', /agrees/],
      [10_000, 'ok', /clock is 1\ds off the server's \(fine\)/],
      [45_000, 'warn', /4\ds behind the server's\. pensar corrects for it using the server's clock\.$/],
      [-10 * 60_000, 'fail', /10m 00s ahead of the server's\. pensar corrects for it using the server's clock, but/],
    ] as const)('%d ms off: %s', async (skewMs, status, message) => {
      const t = setUp({ skewMs })
      const c = check((await run(t)).report, 'clock')
      expect(c.status).toBe(status)
      expect(c.message).toMatch(message)
    })

    test('the session is judged by the server’s clock, not the local one', async () => {
      const t = setUp({ skewMs: 10 * 60_000 })
      await seedSession(t, 5 * 60_000)
      expect(check((await run(t)).report, 'session')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^The access token expired 5m 0\ds ago by the server's clock; a refresh token is stored and renews it/) })
    })
  })

  describe('the stored session', () => {
    test('expired with no refresh token: fail; about to need one: warn', async () => {
      const t = setUp()
      await seedSession(t, -60_000, '')
      expect(check((await run(t)).report, 'session')).toMatchObject({ status: 'fail', message: expect.stringContaining('no refresh token') })
      const u = setUp()
      await seedSession(u, 600_000, '')
      expect(check((await run(u)).report, 'session').status).toBe('warn')
    })

    test('API keys do not expire; PENSAR_API_KEY wins', async () => {
      const t = setUp()
      await seedApiKeySession(t.ctx, 'psk_storedkey0123456789')
      expect(check((await run(t)).report, 'session').message).toContain('stored API key')
      const u = setUp({ vars: { PENSAR_API_KEY: 'psk_envkey0123456789' } })
      expect(check((await run(u)).report, 'session').message).toContain('PENSAR_API_KEY is set')
    })

    test('a malformed PENSAR_API_KEY fails with what to do', async () => {
      const t = setUp({ vars: { PENSAR_API_KEY: 'psk_with space' } })
      expect(check((await run(t)).report, 'session')).toMatchObject({ status: 'fail', hint: expect.stringContaining('Copy the key again') })
    })

    test('no secret ever reaches the output', async () => {
      const t = setUp()
      await seedSession(t, 240_000, 'rt_verysecret0123456789')
      const { report } = await run(t)
      const everything = JSON.stringify(report) + t.ui.text
      expect(everything).not.toContain('rt_verysecret')
      expect(everything).not.toContain((await t.ctx.store.readAuth())!.accessToken!)
      expect(everything).not.toContain('sk_signingsecret')
    })
  })
})

describe('pensar doctor: the OS keychain', () => {
  const keychainCheck = async (t: ReturnType<typeof setUp>) => {
    const { report } = await run(t)
    return { keychain: check(report, 'keychain'), session: check(report, 'session'), ok: report.ok }
  }

  test('the session in the keychain, answering: ok, naming the entry', async () => {
    const secrets = new FakeSecrets()
    const t = setUp({ keychain: secrets, credentialMode: 'auto' })
    await seedSession(t, 240_000)
    const { keychain, session } = await keychainCheck(t)
    expect(keychain.status).toBe('ok')
    expect(keychain.message).toMatch(new RegExp(`^The session's secrets are in the OS keychain \\(Secret Service\\) \\(entry "session ${TEST_API} ${t.home}"\\), which answered in \\d+ ms\\.$`))
    expect(session.status).toBe('ok')
  })

  test('locked: a read answers nothing, the probe write is refused, so it says locked, and the session is not checked', async () => {
    const secrets = new FakeSecrets()
    const t = setUp({ keychain: secrets, credentialMode: 'auto' })
    await seedSession(t, 240_000)
    secrets.state = 'locked'
    const { keychain, session, ok } = await keychainCheck(t)
    expect(keychain).toMatchObject({ status: 'fail', message: 'The OS keychain (Secret Service) is locked, so the session stored there cannot be read.' })
    expect(keychain.hint).toContain('Unlock it')
    expect(session).toMatchObject({ status: 'warn', message: 'Not checked: the keychain cannot be read (see above).' })
    expect(ok).toBe(false)
  })

  test('a damaged auth.json left beside a keychain session: the files check fails, the keychain check still finds the entry', async () => {
    const secrets = new FakeSecrets()
    const t = setUp({ keychain: secrets, credentialMode: 'auto' })
    await seedSession(t, 240_000)
    writeFileSync(join(t.home, 'auth.json'), '{ not json', { mode: 0o600 })
    const { keychain, session } = await keychainCheck(t)
    expect(keychain).toMatchObject({ status: 'warn', message: expect.stringContaining(`The session's secrets are in the OS keychain (Secret Service) (entry "session ${TEST_API} ${t.home}"`) })
    expect(session.message).toBe('Not checked: the stored files cannot be read (see above).')
  })

  test('unlocked but the entry is gone: missing, log in again; the probe leaves nothing behind', async () => {
    const secrets = new FakeSecrets()
    const t = setUp({ keychain: secrets, credentialMode: 'auto' })
    await seedSession(t, 240_000)
    secrets.entries.clear()
    const { keychain } = await keychainCheck(t)
    expect(keychain.status).toBe('fail')
    expect(keychain.message).toContain("answers and is unlocked, but the session's entry")
    expect(keychain.hint).toBe('Run `pensar login` to log in again.')
    expect(secrets.entries.size).toBe(0)
  })

  test('a keychain that never answers: the deadline, and how to get more time', async () => {
    const secrets = new FakeSecrets()
    const t = setUp({ keychain: secrets, credentialMode: 'auto' })
    await seedSession(t, 240_000)
    secrets.state = 'hang'
    const { keychain } = await keychainCheck(t)
    expect(keychain.status).toBe('fail')
    expect(keychain.message).toContain('did not answer within 0.05 s')
    expect(keychain.hint).toContain('PENSAR_KEYCHAIN_TIMEOUT=30')
  })

  test('no keychain: a warning with auto (logins go to the file), a failure with keychain, nothing asked with file', async () => {
    const secrets = new FakeSecrets()
    secrets.state = 'unavailable'
    const auto = await keychainCheck(setUp({ keychain: secrets, credentialMode: 'auto' }))
    expect(auto.keychain.status).toBe('warn')
    expect(auto.keychain.message).toContain('is not available (Cannot autolaunch D-Bus without X11 $DISPLAY): a login is kept in')
    expect(auto.ok).toBe(true)
    const strict = await keychainCheck(setUp({ keychain: secrets, credentialMode: 'keychain' }))
    expect(strict.keychain.status).toBe('fail')
    expect(strict.keychain.hint).toContain('PENSAR_CREDENTIAL_STORE=auto')
    secrets.calls.length = 0
    const file = await keychainCheck(setUp({ keychain: secrets, credentialMode: 'file' }))
    expect(file.keychain).toMatchObject({ status: 'ok', message: expect.stringContaining('Not used: PENSAR_CREDENTIAL_STORE=file keeps the credentials in') })
    expect(secrets.calls).toEqual([])
  })

  test('locked with no session in it (reads as empty): a warning with auto, a failure with keychain, never "a login keeps its secrets there"', async () => {
    const secrets = new FakeSecrets()
    secrets.state = 'locked'
    const auto = await keychainCheck(setUp({ keychain: secrets, credentialMode: 'auto' }))
    expect(auto.keychain).toMatchObject({ status: 'warn', message: expect.stringContaining('The OS keychain (Secret Service) is locked: a login is kept in') })
    expect(auto.keychain.hint).toContain('Unlock it')
    const strict = await keychainCheck(setUp({ keychain: secrets, credentialMode: 'keychain' }))
    expect(strict.keychain).toMatchObject({ status: 'fail', message: 'The OS keychain (Secret Service) is locked, and PENSAR_CREDENTIAL_STORE=keychain allows no other place: a login would fail.' })
    // Unlocked and empty: the probe write goes through and leaves nothing behind.
    secrets.state = 'ok'
    const open = await keychainCheck(setUp({ keychain: secrets, credentialMode: 'keychain' }))
    expect(open.keychain).toMatchObject({ status: 'ok', message: expect.stringContaining('a login keeps its secrets there') })
    expect(secrets.entries.size).toBe(0)
  })
})
