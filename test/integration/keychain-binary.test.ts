// The compiled binary with a real OS keychain: gnome-keyring's Secret Service in a D-Bus session of
// this file's own (test/helpers/secret-service.ts). A login leaves no secret under PENSAR_HOME, the
// secrets are in the keyring (checked with secret-tool), every session command works from there,
// twenty processes renew once, a renewal cut short by SIGTERM is kept, a session moves between the
// file and the keychain on its next write, and logout removes the entry.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'
import { secretServiceInstalled, startSecretService, stopAllSecretServices, type SecretService } from '../helpers/secret-service'
import { untilJwtExpired, waitUntil } from '../helpers/wait-until'

const TIMEOUT = 90_000
const TOKEN_ROUTE = 'POST /user_management/authenticate'
const { root, startConsole } = binarySuite('pensar-keychain-int-')

let keyring: SecretService
beforeAll(async () => {
  keyring = await startSecretService('unlocked')
})
afterAll(stopAllSecretServices)

/** The environment of a binary that uses this file's keyring, `auto` unless told otherwise. */
const withKeyring = (env: Record<string, string> = {}) => ({ ...keyring.env, PENSAR_CREDENTIAL_STORE: 'auto', ...env })

async function consoleWith(args: string[] = []) {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo', ...args])
  const control = (method: string, path: string, body?: unknown) => controlCall(c.url, method, path, body)
  return { url: c.url, control, stats: () => control('GET', '/_console/stats'), resetStats: () => control('POST', '/_console/stats/reset') }
}

/** The session's entry is named after the API and PENSAR_HOME (lib/keychain.ts). */
const entryOf = (apiUrl: string, h: LoggedInHome) => `session ${apiUrl} ${h.pensarHome}`

function sessionIn(apiUrl: string, h: LoggedInHome): Record<string, any> {
  const value = keyring.lookup(entryOf(apiUrl, h))
  if (value === null) throw new Error(`no keyring entry for ${entryOf(apiUrl, h)}; entries: ${keyring.accounts().join(', ')}`)
  return JSON.parse(value)
}

/** Every byte of every file under PENSAR_HOME. */
function filesUnder(folder: string): string {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n')
}

async function pensar(h: { home: string }, args: string[], env: Record<string, string> = withKeyring()) {
  return (await runPensar(args, { home: h.home, env })).done(60_000)
}

describe.skipIf(!secretServiceInstalled())('secrets in the OS keychain (gnome-keyring, compiled binary)', () => {
  test('a login keeps every secret in the keyring and none under PENSAR_HOME; status says where they are; every session command works', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'acme', env: withKeyring() })
    const stored = sessionIn(c.url, h)
    expect(stored).toMatchObject({ authType: 'workos', apiUrl: c.url, tokenEndpoint: expect.any(String) })
    const secrets = [stored.accessToken, stored.refreshToken, stored.signingKey] as string[]
    for (const secret of secrets) expect(secret.length).toBeGreaterThan(8)
    expect(readdirSync(h.pensarHome)).toEqual(['config.json'])
    expect(keyring.accounts()).not.toContain('pensar reachability check') // the login's check leaves nothing
    const onDisk = filesUnder(h.pensarHome)
    for (const secret of secrets) expect(onDisk).not.toContain(secret)
    expect(h.config()).toMatchObject({ credentialStore: 'keychain', authType: 'workos', expiresAt: expect.any(Number) })

    const status = await pensar(h, ['status', '--json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ loggedIn: true, credentialStore: 'OS keychain (Secret Service)', credentialBackend: 'keychain', source: 'file', online: { ok: true } })
    const human = await pensar(h, ['status'])
    expect(human.stdout).toContain('Credentials: OS keychain (Secret Service)') // the report is the answer: stdout
    const offline = await pensar(h, ['status', '--offline', '--json'])
    expect(JSON.parse(offline.stdout)).toMatchObject({ loggedIn: true, credentialBackend: 'keychain', expiresAt: new Date(h.config().expiresAt).toISOString() })

    const token = await pensar(h, ['login', 'token'])
    expect(token).toMatchObject({ code: 0, stdout: `${stored.accessToken}\n` })
    const doctor = await pensar(h, ['doctor', '--json', '--api-url', c.url])
    const keychainCheck = JSON.parse(doctor.stdout).checks.find((check: { id: string }) => check.id === 'keychain')
    expect(keychainCheck).toMatchObject({ status: 'ok', message: expect.stringContaining(`entry "${entryOf(c.url, h)}"`) })
    const switched = await pensar(h, ['workspace', 'switch', 'low-balance', '--json'])
    expect(switched.code).toBe(0)
    expect(sessionIn(c.url, h).signingKey).not.toBe(stored.signingKey)
    expect(readdirSync(h.pensarHome)).toEqual(['config.json'])
  }, TIMEOUT)

  test('20 processes with an expired token renew once, and the keyring holds the rotated refresh token', async () => {
    const c = await consoleWith(['--access-ttl', '8'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme', env: withKeyring() })
    const before = sessionIn(c.url, h)
    await untilJwtExpired(before.accessToken)
    await c.resetStats()
    const runs = await Promise.all(Array.from({ length: 20 }, () => runPensar(['status', '--json'], { home: h.home, env: withKeyring() })))
    for (const r of await Promise.all(runs.map((run) => run.done(60_000)))) {
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
      expect(JSON.parse(r.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } })
    }
    expect(await c.stats()).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    const after = sessionIn(c.url, h)
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect(h.config().expiresAt).toBe(JSON.parse(Buffer.from(after.accessToken.split('.')[1], 'base64url').toString()).exp * 1000)
    expect(readdirSync(h.pensarHome).sort()).toEqual(['config.json'])
  }, TIMEOUT)

  test('SIGTERM while the Console answers the renewal: exit 143 once the rotated token is in the keyring; the next command needs no renewal', async () => {
    const c = await consoleWith(['--access-ttl', '5'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme', env: withKeyring() })
    const before = sessionIn(c.url, h)
    await untilJwtExpired(before.accessToken)
    await c.resetStats()
    await c.control('POST', '/_console/faults', { route: TOKEN_ROUTE, kind: 'delay', delayMs: 1_500 })
    const run = await runPensar(['status', '--json'], { home: h.home, env: withKeyring() })
    await waitUntil(async () => (await c.stats()).requests[TOKEN_ROUTE] === 1, 'the renewal to reach the Console')
    run.proc.kill('SIGTERM')
    const result = await run.done(30_000)
    expect(result.code).toBe(143)
    expect(sessionIn(c.url, h).refreshToken).not.toBe(before.refreshToken)
    await c.control('DELETE', '/_console/faults')
    const next = await pensar(h, ['status', '--json'])
    expect(next.code).toBe(0)
    expect(await c.stats()).toMatchObject({ refreshes: 1, reuseDetections: 0 })
    expect(readdirSync(h.pensarHome).sort()).toEqual(['config.json'])
  }, TIMEOUT)

  test('logout revokes the session and removes the keyring entry; nothing of it is left', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'acme', env: withKeyring() })
    expect(keyring.accounts()).toContain(entryOf(c.url, h))
    const logout = await pensar(h, ['logout', '--json'])
    expect(logout.code).toBe(0)
    expect(JSON.parse(logout.stdout)).toEqual({ event: 'logged_out', wasLoggedIn: true, revocation: 'revoked' })
    expect(keyring.accounts()).not.toContain(entryOf(c.url, h))
    expect(existsSync(join(h.pensarHome, 'auth.json'))).toBe(false)
    expect(h.config()).not.toHaveProperty('credentialStore')
    expect((await pensar(h, ['status', '--offline'])).code).toBe(4)
  }, TIMEOUT)

  test('PENSAR_API_KEY beats the keychain session and is written nowhere', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'acme', env: withKeyring() })
    const before = keyring.accounts().map((a) => keyring.lookup(a))
    const { apiKey } = await c.control('POST', '/_console/api-keys', { workspace: 'acme', email: h.email })
    const status = await pensar(h, ['status', '--json'], withKeyring({ PENSAR_API_KEY: apiKey }))
    expect(JSON.parse(status.stdout)).toMatchObject({ loggedIn: true, authType: 'api-key', source: 'env', online: { ok: true } })
    expect(keyring.accounts().map((a) => keyring.lookup(a))).toEqual(before)
    expect(filesUnder(h.pensarHome)).not.toContain(apiKey)
  }, TIMEOUT)

  test('two PENSAR_HOMEs, and two Consoles, never share an entry', async () => {
    const [a, b] = [await consoleWith(), await consoleWith()]
    const one = await loggedInHome(a.url, { root, workspace: 'acme', env: withKeyring() })
    const two = await loggedInHome(a.url, { root, workspace: 'acme', env: withKeyring() })
    expect(sessionIn(a.url, one).refreshToken).not.toBe(sessionIn(a.url, two).refreshToken)
    // The same home logs in to another Console: a new entry, and the old one is removed.
    const again = await runPensar(['login', '--json', '--no-browser', '--api-url', b.url, '--workspace', 'acme'], { home: one.home, env: withKeyring() })
    const code = await again.waitForEvent('device_code')
    await b.control('POST', '/_console/device/approve', { user_code: code.user_code, email: one.email })
    expect((await again.done(30_000)).code).toBe(0)
    expect(sessionIn(b.url, one).apiUrl).toBe(b.url)
    expect(keyring.accounts()).not.toContain(entryOf(a.url, one))
    expect(keyring.accounts()).toContain(entryOf(a.url, two))
  }, TIMEOUT)
})

describe.skipIf(!secretServiceInstalled())('a session moves between the file and the keychain on its next write', () => {
  test('an auth.json from before (no credentialStore in config.json): `auto` finds it, and moves it into the keyring at the next renewal', async () => {
    const c = await consoleWith(['--access-ttl', '5'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme', env: withKeyring({ PENSAR_CREDENTIAL_STORE: 'file' }) })
    expect(statSync(join(h.pensarHome, 'auth.json')).mode & 0o777).toBe(0o600)
    expect(h.config().credentialStore).toBe('file')
    // As an older pensar left it: nothing in config.json says where the secrets are.
    const config = h.config()
    delete config.credentialStore
    await Bun.write(join(h.pensarHome, 'config.json'), JSON.stringify(config))
    const before = h.auth()

    const found = await pensar(h, ['status', '--offline', '--json'])
    expect(JSON.parse(found.stdout)).toMatchObject({ loggedIn: true, credentialBackend: 'file' })
    await untilJwtExpired(before.accessToken)
    const renewed = await pensar(h, ['status', '--json'])
    expect(renewed).toMatchObject({ code: 0, stderr: '' })
    expect(existsSync(join(h.pensarHome, 'auth.json'))).toBe(false)
    expect(sessionIn(c.url, h)).toMatchObject({ clientId: before.clientId, signingKey: before.signingKey })
    expect(sessionIn(c.url, h).refreshToken).not.toBe(before.refreshToken)
    expect(h.config().credentialStore).toBe('keychain')
  }, TIMEOUT)

  test('PENSAR_CREDENTIAL_STORE=file after a keychain login: found, moved back into a 0600 file at the next write, the entry removed', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'acme', env: withKeyring() })
    const inKeychain = sessionIn(c.url, h)
    const toFile = withKeyring({ PENSAR_CREDENTIAL_STORE: 'file' })
    expect(JSON.parse((await pensar(h, ['status', '--offline', '--json'], toFile)).stdout)).toMatchObject({ credentialBackend: 'keychain' })
    expect((await pensar(h, ['workspace', 'switch', 'low-balance'], toFile)).code).toBe(0)
    expect(h.auth()).toMatchObject({ refreshToken: inKeychain.refreshToken, clientId: inKeychain.clientId })
    expect(statSync(join(h.pensarHome, 'auth.json')).mode & 0o777).toBe(0o600)
    expect(keyring.accounts()).not.toContain(entryOf(c.url, h))
    expect(h.config().credentialStore).toBe('file')
    expect(h.config()).not.toHaveProperty('expiresAt')
    // And back again with `keychain`.
    expect((await pensar(h, ['workspace', 'switch', 'acme'], withKeyring({ PENSAR_CREDENTIAL_STORE: 'keychain' }))).code).toBe(0)
    expect(sessionIn(c.url, h).refreshToken).toBe(inKeychain.refreshToken)
    expect(readdirSync(h.pensarHome)).toEqual(['config.json'])
  }, TIMEOUT)

  test('--credential-store file on login wins over PENSAR_CREDENTIAL_STORE', async () => {
    const c = await consoleWith()
    const home = await loggedInHome(c.url, { root, workspace: 'acme', flags: ['--credential-store', 'file'], env: withKeyring({ PENSAR_CREDENTIAL_STORE: 'keychain' }) })
    expect(home.auth().refreshToken).toEqual(expect.any(String))
    expect(keyring.accounts()).not.toContain(entryOf(c.url, home))
  }, TIMEOUT)
})
