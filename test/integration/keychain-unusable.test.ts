// The compiled binary where the OS keychain cannot be used: no Secret Service at all (CI, SSH, a
// container), a locked keyring with nobody to unlock it, and a keyring that never answers (an
// unlock prompt nobody types into). `auto` keeps the login in the 0600 file and says so in one
// line; `keychain` is an error before any code is shown; a session already in the keychain is
// not logged in there (exit 4) and says what to do; nothing ever hangs past the deadline.
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'
import { secretServiceInstalled, startSecretService, stopAllSecretServices, type SecretServiceKind } from '../helpers/secret-service'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-keychain-unusable-')
afterAll(stopAllSecretServices)

const consoleUrl = async () => (await startConsole(['--interval', '0.2', '--seed', 'demo'])).url

/** `pensar login --json` approved in the browser, with `env`. */
async function login(url: string, env: Record<string, string>, flags: string[] = []) {
  const home = join(root, `home-${crypto.randomUUID()}`)
  const run = await runPensar(['login', '--json', '--no-browser', '--api-url', url, '--workspace', 'acme', ...flags], { home, env })
  const code = await run.waitForEvent('device_code').catch(() => undefined)
  if (code) await controlCall(url, 'POST', '/_console/device/approve', { user_code: code.user_code, email: 'demo@pensar.local' })
  return { home, pensarHome: join(home, '.pensar'), result: await run.done(60_000), sawCode: code !== undefined }
}

const noticeLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('PENSAR_CREDENTIAL_STORE=file to choose the file'))

describe('no Secret Service at all (no D-Bus session)', () => {
  test('auto: the login is kept in the 0600 file, and one line says why and how to choose', async () => {
    const { pensarHome, result } = await login(await consoleUrl(), { PENSAR_CREDENTIAL_STORE: 'auto' })
    expect(result.code).toBe(0)
    const notice = noticeLines(result.stderr)
    expect(notice).toHaveLength(1)
    expect(notice[0]).toContain('The OS keychain (Secret Service) is not available (')
    expect(notice[0]).toContain(`so pensar keeps the credentials in ${join(pensarHome, 'auth.json')} (0600)`)
    expect(statSync(join(pensarHome, 'auth.json')).mode & 0o777).toBe(0o600)
    expect(result.events.at(-1)).toMatchObject({ event: 'logged_in' })
    // Stored in the file, the session says so, and the next commands do not repeat the notice.
    const status = await (await runPensar(['status', '--json'], { home: join(pensarHome, '..'), env: { PENSAR_CREDENTIAL_STORE: 'auto' } })).done(30_000)
    expect(status).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(status.stdout)).toMatchObject({ loggedIn: true, credentialBackend: 'file', credentialStore: join(pensarHome, 'auth.json') })
  }, TIMEOUT)

  test('PENSAR_CREDENTIAL_STORE unset is auto', async () => {
    const { result } = await login(await consoleUrl(), { PENSAR_CREDENTIAL_STORE: undefined as unknown as string })
    expect(result.code).toBe(0)
    expect(noticeLines(result.stderr)).toHaveLength(1)
  }, TIMEOUT)

  test('keychain: exit 1 before any code is shown, nothing written', async () => {
    const { pensarHome, result, sawCode } = await login(await consoleUrl(), { PENSAR_CREDENTIAL_STORE: 'keychain' })
    expect(result.code).toBe(1)
    expect(sawCode).toBe(false)
    expect(result.stderr).toMatch(/The credential store is set to keychain, but the OS keychain \(Secret Service\) is not available \(.+\)\. A login could not be saved, so none was started\./)
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'keychain_unavailable' })
    expect(existsSync(join(pensarHome, 'auth.json'))).toBe(false)
  }, TIMEOUT)

  test('file: no keychain is tried and nothing is said about one', async () => {
    const { result } = await login(await consoleUrl(), { PENSAR_CREDENTIAL_STORE: 'file' })
    expect(result.code).toBe(0)
    expect(result.stderr).not.toContain('keychain')
  }, TIMEOUT)

  test('a bad PENSAR_CREDENTIAL_STORE is a usage error (exit 2)', async () => {
    const run = await runPensar(['status'], { home: join(root, 'bad-mode'), env: { PENSAR_CREDENTIAL_STORE: 'vault' } })
    const result = await run.done(30_000)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('PENSAR_CREDENTIAL_STORE must be auto, keychain or file, not "vault".')
  }, TIMEOUT)
})

describe.skipIf(!secretServiceInstalled())('a keychain that is locked, or never answers', () => {
  const keyring = (kind: SecretServiceKind) => startSecretService(kind)

  test('locked, nobody to unlock it: auto keeps the login in the file and says the keychain is locked; keychain exits 1', async () => {
    const locked = await keyring('locked')
    const url = await consoleUrl()
    const auto = await login(url, { ...locked.env, PENSAR_CREDENTIAL_STORE: 'auto' })
    expect(auto.result.code).toBe(0)
    expect(noticeLines(auto.result.stderr)).toEqual([expect.stringContaining('The OS keychain (Secret Service) is locked, so pensar keeps the credentials in')])
    expect(existsSync(join(auto.pensarHome, 'auth.json'))).toBe(true)
    const strict = await login(url, { ...locked.env, PENSAR_CREDENTIAL_STORE: 'keychain' })
    expect(strict.result.code).toBe(1)
    expect(strict.sawCode).toBe(false)
    expect(strict.result.stderr).toContain('The credential store is set to keychain, but the OS keychain (Secret Service) is locked. A login could not be saved, so none was started.')
    expect(strict.result.events.at(-1)).toMatchObject({ event: 'error', code: 'keychain_locked' })
    expect(readdirSync(strict.pensarHome).filter((f) => f.startsWith('auth.json'))).toEqual([])
    expect(locked.accounts()).toEqual([])
    // doctor before a login: the locked keyring reads as empty, and its probe write tells it is locked.
    const home = join(root, `doctor-${crypto.randomUUID()}`)
    for (const [mode, status] of [['auto', 'warn'], ['keychain', 'fail']] as const) {
      const doctor = await (await runPensar(['doctor', '--json', '--api-url', url], { home, env: { ...locked.env, PENSAR_CREDENTIAL_STORE: mode } })).done(30_000)
      const check = (JSON.parse(doctor.stdout).checks as { id: string; status: string; message: string }[]).find((c) => c.id === 'keychain')
      expect(check).toMatchObject({ status, message: expect.stringContaining('The OS keychain (Secret Service) is locked') })
    }
    expect(locked.accounts()).toEqual([])
  }, TIMEOUT)

  test('a session in the keychain, then the keychain locked: status --offline still answers, status and token exit 4 saying so, doctor tells locked from missing', async () => {
    const service = await keyring('unlocked')
    const url = await consoleUrl()
    const h = await loggedInHome(url, { root, workspace: 'acme', env: { ...service.env, PENSAR_CREDENTIAL_STORE: 'auto' } })
    service.lock()
    const run = async (args: string[]) => (await runPensar(args, { home: h.home, env: { ...service.env, PENSAR_CREDENTIAL_STORE: 'auto' } })).done(30_000)
    const offline = await run(['status', '--offline', '--json'])
    expect(offline.code).toBe(0)
    expect(JSON.parse(offline.stdout)).toMatchObject({ loggedIn: true, credentialBackend: 'keychain' })
    const online = await run(['status', '--json'])
    expect(online.code).toBe(4)
    expect(JSON.parse(online.stdout)).toMatchObject({ loggedIn: false })
    expect(online.stderr).toContain("The session's credentials are not in the OS keychain (Secret Service): it is locked")
    const token = await run(['login', 'token'])
    expect(token).toMatchObject({ code: 4, stdout: '' })
    const doctor = await run(['doctor', '--json', '--api-url', url])
    const checks = JSON.parse(doctor.stdout).checks as { id: string; status: string; message: string }[]
    expect(checks.find((c) => c.id === 'keychain')).toMatchObject({ status: 'fail', message: 'The OS keychain (Secret Service) is locked, so the session stored there cannot be read.' })
    expect(checks.find((c) => c.id === 'session')).toMatchObject({ status: 'warn', message: 'Not checked: the keychain cannot be read (see above).' })
    expect(doctor.code).toBe(1)
    // Logging out cannot remove the entry from a locked keyring: it says so, and how to remove it.
    const logout = await run(['logout'])
    expect(logout.code).toBe(0)
    expect(logout.stderr).toContain(`could not be removed (the keychain had no such entry to remove: it may be locked, or it was removed already). Once it is unlocked, remove it yourself with \`secret-tool clear service dev.pensar.apex account 'session ${url} ${h.pensarHome}'\``)
  }, TIMEOUT)

  test('a keychain that never answers: every call gives up at the deadline; auto logs in to the file; a session stored there exits 4 in time', async () => {
    const service = await keyring('unlocked')
    const url = await consoleUrl()
    const h = await loggedInHome(url, { root, workspace: 'acme', env: { ...service.env, PENSAR_CREDENTIAL_STORE: 'auto' } })
    // The same session, and now a Secret Service that the bus starts but never comes up.
    await service.stop()
    const hanging = await keyring('daemon-hangs')
    const env = { ...hanging.env, PENSAR_CREDENTIAL_STORE: 'auto' }
    const started = performance.now()
    const status = await (await runPensar(['status', '--json'], { home: h.home, env })).done(30_000)
    const elapsed = performance.now() - started
    expect(status.code).toBe(4)
    expect(status.stderr).toContain("The session's credentials are in the OS keychain (Secret Service), which did not answer within 3 s.")
    expect(status.stderr).toContain('PENSAR_KEYCHAIN_TIMEOUT=30')
    expect(elapsed).toBeGreaterThanOrEqual(3_000)
    expect(elapsed).toBeLessThan(20_000)
    // A login with `auto` waits for the same deadline, says so once, and keeps the new session in the file.
    const fresh = await login(url, { ...env, PENSAR_KEYCHAIN_TIMEOUT: '0.5' })
    expect(fresh.result.code).toBe(0)
    expect(noticeLines(fresh.result.stderr)).toEqual([expect.stringContaining('The OS keychain (Secret Service) did not answer within 0.5 s, so pensar keeps the credentials in')])
    expect(existsSync(join(fresh.pensarHome, 'auth.json'))).toBe(true)
  }, TIMEOUT)

  test('locked behind an unlock prompt nobody answers: `keychain` refuses the login at the deadline, `auto` keeps it in the file', async () => {
    const service = await keyring('prompt-hangs')
    const url = await consoleUrl()
    const env = { ...service.env, PENSAR_KEYCHAIN_TIMEOUT: '1' }
    const strict = await login(url, { ...env, PENSAR_CREDENTIAL_STORE: 'keychain' })
    expect(strict.result.code).toBe(1)
    // The check cannot tell a prompt nobody answers from one about to be: the login goes on, and the save says.
    expect(strict.result.stderr).toContain('it may be asking for its password. Unlock it while you approve the login and the credentials go there; else the login is not saved (credential store "keychain").')
    expect(strict.result.stderr).toContain('The credential store is set to keychain, but the OS keychain (Secret Service) did not answer within 1 s. Nothing was saved.')
    const auto = await login(url, { ...env, PENSAR_CREDENTIAL_STORE: 'auto' })
    expect(auto.result.code).toBe(0)
    expect(noticeLines(auto.result.stderr)).toEqual([expect.stringContaining('did not answer within 1 s')])
  }, TIMEOUT)
})
