// The compiled binary's `pensar doctor` against a real local Console: a logged-in computer
// passes; a proxy that swallows loopback traffic, a dead API and a clock 10 minutes off
// (libfaketime, skipped when missing) fail with exit 1 and say what to do.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestConsole, type TestConsole } from '../helpers/console'
import { loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { pensarBinary } from '../helpers/pensar-binary'
import { killAllPensar, runPensar } from '../helpers/run-pensar'

const TIMEOUT = 90_000
const root = mkdtempSync(join(tmpdir(), 'pensar-doctor-int-'))
let pc: TestConsole
let h: LoggedInHome

type Check = { id: string; status: string; message: string; hint?: string }
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id)!

beforeAll(async () => {
  await pensarBinary()
  pc = await startTestConsole(['--seed', 'demo', '--interval', '0.2'])
  h = await loggedInHome(pc.url, { root, workspace: 'acme' })
}, 300_000)

afterAll(async () => {
  killAllPensar()
  await pc?.stop()
  rmSync(root, { recursive: true, force: true })
})

async function doctorJson(args: string[], env: Record<string, string | undefined> = {}) {
  const result = await (await runPensar(['doctor', '--json', ...args], { home: h.home, env })).done(30_000)
  const lines = result.stdout.trim().split('\n')
  expect(lines).toHaveLength(1)
  return { code: result.code, stderr: result.stderr, report: JSON.parse(lines[0]!) as { ok: boolean; checks: Check[] } }
}

describe('pensar doctor (compiled binary, local Console)', () => {
  test('a logged-in computer: exit 0, the issuer flow, the clock agrees, the session is valid with a refresh token', async () => {
    const { code, report } = await doctorJson([])
    expect(code).toBe(0)
    expect(report.ok).toBe(true)
    expect(byId(report.checks, 'home').status).toBe('ok')
    expect(byId(report.checks, 'files').status).toBe('ok')
    expect(byId(report.checks, 'api')).toMatchObject({ status: 'ok' })
    expect(byId(report.checks, 'api').message).toContain(`login uses the issuer's OpenID discovery (${pc.url})`)
    expect(byId(report.checks, 'clock').status).toBe('ok')
    expect(byId(report.checks, 'session').message).toContain('a refresh token is stored')
    expect(JSON.stringify(report)).not.toContain(h.auth().refreshToken)
  }, TIMEOUT)

  test('the human report on stdout (`pensar doctor > report.txt` captures it): one ✓/!/✗ line per check, then the verdict; nothing on stderr', async () => {
    const result = await (await runPensar(['login', 'doctor'], { home: h.home })).done(30_000)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines.slice(0, 2)).toEqual(['What a login needs', `  Console: ${pc.url}`])
    expect(lines.filter((l) => /^  [✓!✗] /.test(l))).toHaveLength(10) // the keychain check is one of them
    expect(result.stdout).toContain('  ✓ API: ')
    expect(lines.at(-1)).toMatch(/^(Everything a login needs is in place\.|No failures, \d warnings?\.)$/)
  }, TIMEOUT)

  test('HTTP_PROXY without NO_PROXY catches the loopback Console: a proxy warning and a failed API check, exit 1', async () => {
    const { code, report } = await doctorJson([], { HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: undefined, no_proxy: undefined })
    expect(code).toBe(1)
    expect(byId(report.checks, 'proxy').status).toBe('warn')
    expect(byId(report.checks, 'proxy').hint).toContain('NO_PROXY=127.0.0.1,localhost')
    expect(byId(report.checks, 'api').status).toBe('fail')
    expect(byId(report.checks, 'api').hint).toContain('HTTP_PROXY=http://127.0.0.1:9')
  }, TIMEOUT)

  test('an API nobody answers at: exit 1 within the budget, the clock not checked', async () => {
    const { code, report } = await doctorJson(['--api-url', 'http://127.0.0.1:9'])
    expect(code).toBe(1)
    expect(byId(report.checks, 'api').message).toContain('Could not reach http://127.0.0.1:9')
    expect(byId(report.checks, 'clock').message).toBe('Not checked: the API did not answer.')
  }, TIMEOUT)

  const faketime = Bun.which('faketime')
  test.skipIf(!faketime)('a clock 10 minutes fast: the clock check fails, and says pensar corrects for it', async () => {
    const proc = Bun.spawn([faketime!, '-f', '+10m', await pensarBinary(), 'doctor', '--json'], {
      env: { PATH: process.env.PATH!, HOME: h.home, PENSAR_HOME: h.pensarHome, NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost', BROWSER: 'true' },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [code, stdout] = await Promise.all([proc.exited, new Response(proc.stdout).text()])
    const report = JSON.parse(stdout) as { checks: Check[] }
    expect(code).toBe(1)
    const clock = byId(report.checks, 'clock')
    expect(clock.status).toBe('fail')
    expect(clock.message).toMatch(/clock is 10m 0\ds ahead of the server's\. pensar corrects for it using the server's clock/)
    expect(byId(report.checks, 'session').status).toBe('ok')
  }, TIMEOUT)
})
