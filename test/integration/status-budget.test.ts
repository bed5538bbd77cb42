// `pensar status` keeps to its one 3 s budget with the compiled binary against the local Console
// when the token endpoint is slow, and the renewal it stopped waiting for is still saved.
import { expect, test } from 'bun:test'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'

const TIMEOUT = 90_000
const TOKEN_ROUTE = 'POST /user_management/authenticate'
const { root, startConsole } = binarySuite('pensar-status-budget-')

test('a token endpoint slower than the budget: status answers offline first, then saves the renewal and exits 0', async () => {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo', '--access-ttl', '300'])
  const control = (method: string, path: string, body?: unknown) => controlCall(c.url, method, path, body)
  const h = await loggedInHome(c.url, { root, workspace: 'acme' })
  // An access token the Console rejects: status renews it after the 401 (no waiting for an expiry).
  const before = h.auth()
  const rejected = 'a-token-the-console-does-not-know'
  writeFileSync(join(h.pensarHome, 'auth.json'), JSON.stringify({ ...before, accessToken: rejected }))
  await control('POST', '/_console/stats/reset')
  await control('POST', '/_console/faults', { route: TOKEN_ROUTE, kind: 'delay', delayMs: 8_000 })

  const run = await runPensar(['status'], { home: h.home })
  await run.waitForStderr(`could not check: ${c.url} did not answer within 3 s.`)
  // Answered while the Console still holds the renewal (8 s): nothing written yet, still running.
  expect(h.auth().refreshToken).toBe(before.refreshToken)
  expect(run.proc.exitCode).toBeNull()

  const result = await run.done(30_000)
  expect(result.code).toBe(0)
  const after = h.auth()
  expect(after.refreshToken).not.toBe(before.refreshToken)
  expect(after.accessToken).not.toBe(rejected)
  expect(existsSync(join(h.pensarHome, 'auth-refresh.lock'))).toBe(false)

  // The rotated refresh token was kept: the next status is online without renewing, and the
  // Console never saw a spent refresh token again.
  const next = await (await runPensar(['status', '--json'], { home: h.home })).done(30_000)
  expect(next.code).toBe(0)
  expect(JSON.parse(next.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } })
  const stats = await control('GET', '/_console/stats')
  expect(stats).toMatchObject({ refreshes: 1, reuseDetections: 0 })
  expect(stats.requests[TOKEN_ROUTE]).toBe(1)
}, TIMEOUT)
