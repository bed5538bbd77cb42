// A read-only or full PENSAR_HOME with the compiled binary, on a tmpfs mounted for the test (needs
// root, as in CI; skipped elsewhere): `login` says it cannot save before it shows a code, so
// nobody approves in the browser for nothing; `logout` with nothing stored exits 0; a nearly full
// disk still renews a small session.
import { afterEach, describe, expect, test } from 'bun:test'
import { cpSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { loggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'
import { canMountTmpfs, mountTmpfs, SKIP_REASON, type Tmpfs } from '../helpers/tmpfs'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-disk-binary-')

let disk: Tmpfs | undefined
afterEach(() => {
  disk?.unmount()
  disk = undefined
})

async function consoleWithStats() {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
  /** Requests other than the control API's own. */
  const requests = async () => Object.keys((await c.control.stats()).requests).filter((route) => !route.includes('/_console/'))
  return { c, requests }
}

describe.skipIf(!canMountTmpfs)(`PENSAR_HOME on a read-only or full disk (${SKIP_REASON})`, () => {
  test.each([
    ['read-only', (d: Tmpfs) => d.remountReadOnly(), 'is on a read-only filesystem'],
    ['full', (d: Tmpfs) => d.fill(), 'no space left on the disk'],
  ] as const)('%s: login stops before any code is shown or any request is made', async (_kind, spoil, reason) => {
    const { c, requests } = await consoleWithStats()
    disk = mountTmpfs(256)
    spoil(disk)
    await c.control.resetStats()
    const result = await (await runPensar(['login', '--json', '--no-browser', '--api-url', c.url], { home: disk.dir })).done(30_000)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(reason)
    expect(result.stderr).toContain('A login could not be saved, so none was started.')
    expect(result.events.map((e) => e.event)).toEqual(['error'])
    expect(await requests()).toEqual([])
  }, TIMEOUT)

  test('read-only and not logged in: logout exits 0 with nothing to do', async () => {
    disk = mountTmpfs(256)
    disk.remountReadOnly()
    const result = await (await runPensar(['logout'], { home: disk.dir })).done(30_000)
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('Not logged in; nothing to do.')
  }, TIMEOUT)

  test('16 KB free: a renewal of a small auth.json goes through', async () => {
    const { c } = await consoleWithStats()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    disk = mountTmpfs(256)
    cpSync(h.pensarHome, join(disk.dir, '.pensar'), { recursive: true })
    // An access token the Console does not know: status renews it under the lock.
    writeFileSync(join(disk.dir, '.pensar', 'auth.json'), JSON.stringify({ ...h.auth(), accessToken: 'a-token-the-console-does-not-know' }), { mode: 0o600 })
    disk.fill(16)
    const result = await (await runPensar(['status', '--json'], { home: disk.dir })).done(30_000)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } })
    expect(readdirSync(join(disk.dir, '.pensar')).sort()).toEqual(['auth.json', 'config.json'])
  }, TIMEOUT)
})
