// PENSAR_HOME as a careful, hostile user may leave it, with the compiled binary: links planted at
// every name pensar writes, a shared 1777 folder, files others can read, files in a folder's place,
// another user's files, and what a killed process left behind. Nothing outside PENSAR_HOME's own
// files is ever written or chmodded, no session is left alive in a stray file, and every problem
// is a message that names the path and says what to do.
import { describe, expect, test } from 'bun:test'
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-hostile-home-')

async function consoleAndControl() {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
  return { url: c.url, control: (method: string, path: string, body?: unknown) => controlCall(c.url, method, path, body) }
}

const pensar = async (args: string[], home: string, env: Record<string, string> = {}) => (await runPensar(args, { home, env })).done(60_000)

/** Makes the next `status` renew under the lock: the Console does not know this access token. */
function rejectedAccessToken(h: LoggedInHome) {
  writeFileSync(join(h.pensarHome, 'auth.json'), JSON.stringify({ ...h.auth(), accessToken: 'a-token-the-console-does-not-know' }), { mode: 0o600 })
}

const deadPid = () => Bun.spawnSync(['true']).pid

describe('links planted at every name pensar writes', () => {
  test('login, a renewal and logout never write or chmod what the links point to', async () => {
    const { url } = await consoleAndControl()
    const home = mkdtempSync(join(root, 'home-'))
    const pensarHome = join(home, '.pensar')
    mkdirSync(pensarHome, { mode: 0o700 })
    const outside = join(root, `outside-${Date.now()}`)
    mkdirSync(outside)
    const names = ['auth.json', 'config.json', 'auth-refresh.lock', 'auth.json.reserve', `auth.json.tmp-${deadPid()}-planted`, `config.json.tmp-${deadPid()}-planted`]
    const plant = () => {
      for (const name of names) {
        const target = join(outside, name)
        writeFileSync(target, `owned by someone else: ${name}`)
        chmodSync(target, 0o644)
        rmSync(join(pensarHome, name), { force: true })
        symlinkSync(target, join(pensarHome, name))
      }
    }
    const untouched = () => {
      for (const name of names) {
        expect(readFileSync(join(outside, name), 'utf8')).toBe(`owned by someone else: ${name}`)
        expect(statSync(join(outside, name)).mode & 0o7777).toBe(0o644)
      }
    }
    plant()
    const login = await runPensar(['login', '--json', '--no-browser', '--api-url', url, '--workspace', 'acme'], { home })
    const code = await login.waitForEvent('device_code')
    await controlCall(url, 'POST', '/_console/device/approve', { user_code: code.user_code, email: 'demo@pensar.local' })
    expect((await login.done(30_000)).code).toBe(0)
    untouched()
    for (const name of ['auth.json', 'config.json']) {
      expect(lstatSync(join(pensarHome, name)).isFile()).toBe(true)
      expect(statSync(join(pensarHome, name)).mode & 0o777).toBe(0o600)
    }
    // The links at auth.json and config.json read as damaged files: moved aside as they are, links still.
    const asides = readdirSync(pensarHome).filter((n) => n.includes('.corrupt-'))
    expect(asides).toHaveLength(2)
    for (const aside of asides) {
      expect(lstatSync(join(pensarHome, aside)).isSymbolicLink()).toBe(true)
      rmSync(join(pensarHome, aside))
    }

    // The next command that takes the lock (a renewal) meets links at the lock, reserve and temp names.
    const auth = JSON.parse(readFileSync(join(pensarHome, 'auth.json'), 'utf8'))
    writeFileSync(join(pensarHome, 'auth.json'), JSON.stringify({ ...auth, accessToken: 'a-token-the-console-does-not-know' }), { mode: 0o600 })
    for (const name of names.slice(2)) symlinkSync(join(outside, name), join(pensarHome, name))
    const renewed = await pensar(['status', '--json'], home)
    expect(renewed.code).toBe(0)
    expect(JSON.parse(renewed.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } })
    untouched()
    expect(readdirSync(pensarHome).sort()).toEqual(['auth.json', 'config.json'])

    // Links back at the stored files' names: logout removes the links, not what they point to.
    plant()
    expect((await pensar(['logout'], home)).code).toBe(0)
    untouched()
    // Whatever is left is config.json (settings) or a link moved aside as it was.
    for (const name of readdirSync(pensarHome)) {
      if (name !== 'config.json') expect(lstatSync(join(pensarHome, name)).isSymbolicLink() && name.includes('.corrupt-')).toBe(true)
    }
  }, TIMEOUT)
})

describe('folders and modes', () => {
  test('a shared 1777 folder keeps its mode; pensar warns, writes its files 0600, and doctor says how to fix it', async () => {
    const { url } = await consoleAndControl()
    const home = mkdtempSync(join(root, 'home-'))
    const shared = join(home, '.pensar')
    mkdirSync(shared)
    chmodSync(shared, 0o1777)
    const login = await runPensar(['login', '--json', '--no-browser', '--api-url', url, '--workspace', 'acme'], { home })
    const code = await login.waitForEvent('device_code')
    await controlCall(url, 'POST', '/_console/device/approve', { user_code: code.user_code, email: 'demo@pensar.local' })
    const result = await login.done(30_000)
    expect(result.code).toBe(0)
    expect(statSync(shared).mode & 0o7777).toBe(0o1777)
    expect(statSync(join(shared, 'auth.json')).mode & 0o777).toBe(0o600)
    expect(result.stderr).toContain(`PENSAR_HOME (${shared}) is open to other users (mode 01777)`)
    const status = await pensar(['status', '--offline'], home)
    expect(status.code).toBe(0)
    expect(status.stderr).toContain('is open to other users (mode 01777)')
    const doctor = await pensar(['doctor', '--json', '--api-url', url], home)
    const check = JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === 'home')
    expect(check).toMatchObject({ status: 'warn', hint: expect.stringContaining(`chmod 700 ${shared}`) })
  }, TIMEOUT)

  test('a folder pensar creates is 0700, parents included', async () => {
    const home = mkdtempSync(join(root, 'home-'))
    const deep = join(home, 'a', 'b', 'pensar')
    const { url } = await consoleAndControl()
    const run = await runPensar(['login', '--json', '--no-browser', '--api-url', url, '--workspace', 'acme'], { home, env: { PENSAR_HOME: deep } })
    await run.waitForEvent('device_code')
    run.kill()
    for (const folder of [join(home, 'a'), join(home, 'a', 'b'), deep]) expect(statSync(folder).mode & 0o777).toBe(0o700)
  }, TIMEOUT)

  test('status warns at once about an auth.json others can read; the next save makes it 0600', async () => {
    const { url } = await consoleAndControl()
    const h = await loggedInHome(url, { root, workspace: 'acme' })
    const auth = join(h.pensarHome, 'auth.json')
    chmodSync(auth, 0o644)
    const status = await pensar(['status', '--offline'], h.home)
    expect(status.code).toBe(0)
    expect(status.stderr).toContain(`${auth} is open to other users (mode 0644)`)
    expect(status.stderr).toContain(`chmod 600 ${auth}`)
    rejectedAccessToken(h)
    chmodSync(auth, 0o644)
    expect((await pensar(['status'], h.home)).code).toBe(0)
    expect(statSync(auth).mode & 0o777).toBe(0o600)
    expect((await pensar(['status', '--offline'], h.home)).stderr).not.toContain('open to other users')
  }, TIMEOUT)
})

describe('a filesystem that says no: the path and what to do, with the documented exit code', () => {
  test('PENSAR_HOME is a file: status exits 4, logout 0, login 1 before any code', async () => {
    const { url, control } = await consoleAndControl()
    const home = mkdtempSync(join(root, 'home-'))
    writeFileSync(join(home, '.pensar'), 'a file')
    const message = `PENSAR_HOME (${join(home, '.pensar')}) is not a folder: a file is in its place.`
    const status = await pensar(['status', '--api-url', url], home)
    expect(status.code).toBe(4)
    expect(status.stderr).toContain(message)
    expect(status.stderr).toContain('Move that file away')
    const logout = await pensar(['logout'], home)
    expect(logout.code).toBe(0)
    expect(logout.stderr).toContain('Not logged in')
    await control('POST', '/_console/stats/reset')
    const login = await pensar(['login', '--json', '--no-browser', '--api-url', url], home)
    expect(login.code).toBe(1)
    expect(login.stderr).toContain(message)
    expect(login.events.some((e) => e.event === 'device_code')).toBe(false)
    const requests = Object.keys((await control('GET', '/_console/stats')).requests)
    expect(requests.filter((route) => !route.includes('/_console/'))).toEqual([])
  }, TIMEOUT)

  test.each(['auth.json', 'config.json'])('%s is a folder: status exits 4 naming it', async (name) => {
    const { url } = await consoleAndControl()
    const h = await loggedInHome(url, { root, workspace: 'acme' })
    rmSync(join(h.pensarHome, name))
    mkdirSync(join(h.pensarHome, name))
    const status = await pensar(['status'], h.home)
    expect(status.code).toBe(4)
    expect(status.stderr).toContain(`${join(h.pensarHome, name)} is a folder, not a file.`)
    expect(status.stderr).toContain(`mv ${join(h.pensarHome, name)}`)
  }, TIMEOUT)

  test.skipIf(process.getuid?.() !== 0)('files of another user: status exits 4 with the chown to run (run as nobody; needs root)', async () => {
    const { url } = await consoleAndControl()
    const h = await loggedInHome(url, { root, workspace: 'acme' })
    chmodSync(h.home, 0o755)
    chmodSync(root, 0o755)
    // The folder and config.json are nobody's; auth.json stays root's (0600).
    chownSync(h.pensarHome, 65534, 65534)
    chownSync(join(h.pensarHome, 'config.json'), 65534, 65534)
    const run = Bun.spawnSync(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', await import('../helpers/pensar-binary').then((m) => m.pensarBinary()), 'status'], {
      env: { PATH: process.env.PATH!, HOME: h.home, PENSAR_HOME: h.pensarHome, NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost' },
    })
    expect(run.exitCode).toBe(4)
    const stderr = run.stderr.toString()
    expect(stderr).toContain(`Cannot read ${join(h.pensarHome, 'auth.json')}: permission denied.`)
    expect(stderr).toContain(`chown -R "$USER" ${h.pensarHome}`)
  }, TIMEOUT)
})

describe('what a killed pensar left behind', () => {
  test('a login killed while saving left its session in a temp file: the next command that takes the lock ends it at the Console and removes it (logout too, with nothing else stored)', async () => {
    const { url, control } = await consoleAndControl()
    const orphan = await loggedInHome(url, { root, email: 'orphan@example.com' })
    const home = mkdtempSync(join(root, 'home-'))
    mkdirSync(join(home, '.pensar'), { mode: 0o700 })
    const leftover = join(home, '.pensar', `auth.json.tmp-${deadPid()}-k1lled`)
    writeFileSync(leftover, JSON.stringify(orphan.auth()), { mode: 0o600 })
    await control('POST', '/_console/stats/reset')
    const logout = await pensar(['logout', '--json'], home)
    expect(logout.code).toBe(0)
    expect(JSON.parse(logout.stdout)).toMatchObject({ event: 'logged_out', wasLoggedIn: false })
    expect(readdirSync(join(home, '.pensar'))).toEqual([])
    expect((await control('GET', '/_console/stats')).revocations).toBe(1)
    // That session is over: its other copy no longer works.
    const status = await pensar(['status', '--json'], orphan.home)
    expect(status.code).toBe(4)
  }, TIMEOUT)

  test('a leftover copy of the stored session itself (a renewal killed while saving) is removed, not revoked', async () => {
    const { url, control } = await consoleAndControl()
    const h = await loggedInHome(url, { root, workspace: 'acme' })
    writeFileSync(join(h.pensarHome, `auth.json.tmp-${deadPid()}-k1lled`), JSON.stringify(h.auth()), { mode: 0o600 })
    rejectedAccessToken(h)
    await control('POST', '/_console/stats/reset')
    const status = await pensar(['status', '--json'], h.home)
    expect(status.code).toBe(0)
    expect(readdirSync(h.pensarHome).sort()).toEqual(['auth.json', 'config.json'])
    expect((await control('GET', '/_console/stats')).revocations).toBe(0)
    expect((await pensar(['status', '--json'], h.home)).code).toBe(0)
  }, TIMEOUT)
})
