// A token renewal that `pensar status` stops waiting for, because its 3 s budget ran out, the
// person pressed Ctrl-C, or the process was told to stop (SIGTERM from `timeout` or `docker stop`,
// SIGHUP from a closed terminal), never costs the session: the compiled binary saves the rotated
// refresh token (the Console has already spent the old one) before it exits, leaves no lock or
// disk reserve, and the next command is online without a reuse detection.
import { expect, test } from 'bun:test'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'
import { waitUntil } from '../helpers/wait-until'

const TIMEOUT = 90_000
const TOKEN_ROUTE = 'POST /user_management/authenticate'
const { root, startConsole } = binarySuite('pensar-renewal-cut-short-')

/** A logged-in home whose access token the Console rejects (status renews it after the 401), and a Console that answers renewals after `delayMs`. */
async function slowRenewal(delayMs: number) {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo', '--access-ttl', '300'])
  const control = (method: string, path: string, body?: unknown) => controlCall(c.url, method, path, body)
  const h = await loggedInHome(c.url, { root, workspace: 'acme' })
  const before = h.auth()
  writeFileSync(join(h.pensarHome, 'auth.json'), JSON.stringify({ ...before, accessToken: 'a-token-the-console-does-not-know' }))
  await control('POST', '/_console/stats/reset')
  await control('POST', '/_console/faults', { route: TOKEN_ROUTE, kind: 'delay', delayMs })
  return { c, control, h, before }
}

/** The rotated refresh token was kept: the next status is online without renewing, and the Console never saw a spent refresh token again. */
async function expectSessionIntact({ control, h }: Awaited<ReturnType<typeof slowRenewal>>) {
  expect(readdirSync(h.pensarHome).sort()).toEqual(['auth.json', 'config.json'])
  const next = await (await runPensar(['status', '--json'], { home: h.home })).done(30_000)
  expect(next.code).toBe(0)
  expect(JSON.parse(next.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } })
  const stats = await control('GET', '/_console/stats')
  expect(stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
  expect(stats.requests[TOKEN_ROUTE]).toBe(1)
}

test('a token endpoint slower than the budget: status answers offline first, then saves the renewal and exits 0', async () => {
  const setup = await slowRenewal(8_000)
  const { c, h, before } = setup
  const run = await runPensar(['status'], { home: h.home })
  await waitUntil(() => run.stdout().includes(`Online:      not verified: ${c.url} did not answer within 3 s\n`), () => `the unverified report, got:\n${run.stdout()}`)
  // Answered while the Console still holds the renewal (8 s): nothing written yet, still running.
  expect(h.auth().refreshToken).toBe(before.refreshToken)
  expect(run.proc.exitCode).toBeNull()

  const result = await run.done(30_000)
  expect(result.code).toBe(0)
  expect(h.auth().refreshToken).not.toBe(before.refreshToken)
  await expectSessionIntact(setup)
}, TIMEOUT)

test('Ctrl-C while the Console answers the renewal: exit 130 once the rotated token is saved', async () => {
  const setup = await slowRenewal(1_500)
  const { control, h, before } = setup
  const run = await runPensar(['status'], { home: h.home })
  await waitUntil(async () => (await control('GET', '/_console/stats')).requests[TOKEN_ROUTE] === 1, 'the renewal to reach the Console')
  run.proc.kill('SIGINT')
  const result = await run.done(30_000)
  expect(result.code).toBe(130)
  expect(result.stderr).toContain('Cancelled')
  expect(h.auth().refreshToken).not.toBe(before.refreshToken)
  await expectSessionIntact(setup)
}, TIMEOUT)

test.each([
  ['SIGTERM', 143, 'Stopped by SIGTERM.'],
  ['SIGHUP', 129, 'Stopped by SIGHUP'],
] as const)('%s while the Console answers the renewal: exit %d once the rotated token is saved, nothing left behind', async (signal, code, message) => {
  const setup = await slowRenewal(1_500)
  const { control, h, before } = setup
  const run = await runPensar(['status', '--json'], { home: h.home })
  await waitUntil(async () => (await control('GET', '/_console/stats')).requests[TOKEN_ROUTE] === 1, 'the renewal to reach the Console')
  run.proc.kill(signal)
  const result = await run.done(30_000)
  expect(result.code).toBe(code)
  expect(result.stderr).toContain(message)
  expect(result.events.at(-1)).toMatchObject({ event: 'error', code: signal === 'SIGTERM' ? 'terminated' : 'hangup' })
  expect(h.auth().refreshToken).not.toBe(before.refreshToken)
  await expectSessionIntact(setup)
}, TIMEOUT)

test('a second SIGTERM exits at once, and still leaves no lock or reserve behind', async () => {
  const { control, h } = await slowRenewal(20_000)
  const run = await runPensar(['status'], { home: h.home })
  await waitUntil(async () => (await control('GET', '/_console/stats')).requests[TOKEN_ROUTE] === 1, 'the renewal to reach the Console')
  expect(existsSync(join(h.pensarHome, 'auth.json.reserve'))).toBe(true)
  run.proc.kill('SIGTERM')
  await run.waitForStderr('Stopped by SIGTERM.')
  run.proc.kill('SIGTERM')
  // Long before the Console's 20 s answer.
  const result = await run.done(10_000)
  expect(result.code).toBe(143)
  expect(readdirSync(h.pensarHome).sort()).toEqual(['auth.json', 'config.json'])
}, TIMEOUT)

test('what SIGKILL leaves (the lock, the reserve) is swept by the next command that takes the lock', async () => {
  const { control, h } = await slowRenewal(1_500)
  const run = await runPensar(['status'], { home: h.home })
  await waitUntil(async () => (await control('GET', '/_console/stats')).requests[TOKEN_ROUTE] === 1, 'the renewal to reach the Console')
  run.proc.kill('SIGKILL')
  await run.done(10_000)
  expect(readdirSync(h.pensarHome).sort()).toEqual(['auth-refresh.lock', 'auth.json', 'auth.json.reserve', 'config.json'])
  // The access token is still one the Console rejects, so this status renews under the lock.
  const next = await (await runPensar(['status', '--json'], { home: h.home })).done(30_000)
  expect(readdirSync(h.pensarHome).sort()).toEqual(['auth.json', 'config.json'])
  // The killed process never saved its renewal; the Console's reuse grace (docs/console-api.md)
  // forgives the refresh token presented again so soon.
  expect(next.code).toBe(0)
}, TIMEOUT)
