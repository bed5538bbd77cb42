// The compiled binary with its clock 10 minutes off (libfaketime's `faketime`, skipped when it
// is not installed): expiry is judged by the Console's clock, learned from its `Date` header.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestConsole, type TestConsole } from '../helpers/console'
import { loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { pensarBinary } from '../helpers/pensar-binary'
import { untilJwtExpired } from '../helpers/wait-until'

const TIMEOUT = 90_000
const faketime = Bun.which('faketime')
const root = mkdtempSync(join(tmpdir(), 'pensar-skew-int-'))
const consoles: TestConsole[] = []

beforeAll(async () => {
  if (faketime) await pensarBinary()
}, 300_000)

afterAll(async () => {
  for (const c of consoles) await c.stop()
  rmSync(root, { recursive: true, force: true })
})

async function statusWithClock(h: LoggedInHome, offset: string) {
  const proc = Bun.spawn([faketime!, '-f', offset, await pensarBinary(), 'status', '--json'], {
    env: { PATH: process.env.PATH!, HOME: h.home, PENSAR_HOME: h.pensarHome, NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost' },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  try {
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()])
    return { code, stderr, report: JSON.parse(stdout) as Record<string, any> }
  } finally {
    proc.kill()
  }
}

describe.skipIf(!faketime)('a clock 10 minutes off (compiled binary under faketime)', () => {
  test('fast: one refresh learns the skew; the next run trusts the still-valid token', async () => {
    const c = await startTestConsole(['--interval', '0.2', '--seed', 'demo', '--access-ttl', '300'])
    consoles.push(c)
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    await c.control.resetStats()
    for (let i = 0; i < 2; i++) {
      const run = await statusWithClock(h, '+10m')
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
      expect(run.report).toMatchObject({ loggedIn: true, online: { ok: true } })
      // expiresAt is shown by the Console's clock: about 5 minutes from the real now.
      expect(Math.abs(Date.parse(run.report.expiresAt) - Date.now() - 300_000)).toBeLessThan(30_000)
    }
    expect((await c.control.stats()).refreshes).toBe(1)
    expect(Math.abs(h.config().clockSkewMs + 600_000)).toBeLessThan(5_000)
  }, TIMEOUT)

  test('slow: a token expired at the server gets one 401 and one refresh, then works', async () => {
    const c = await startTestConsole(['--interval', '0.2', '--seed', 'demo', '--access-ttl', '2'])
    consoles.push(c)
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    await untilJwtExpired(String(h.auth().accessToken))
    await c.control.resetStats()
    const run = await statusWithClock(h, '-10m')
    expect(run.code).toBe(0)
    expect(run.report).toMatchObject({ loggedIn: true, online: { ok: true } })
    const stats = await c.control.stats()
    expect(stats.refreshes).toBe(1)
    expect(stats.reuseDetections).toBe(0)
  }, TIMEOUT)
})
