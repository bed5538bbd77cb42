// Ctrl-C while a token renewal is at the Console never costs the session: the compiled binary
// exits 130 only once the rotated refresh token is saved (the Console has already spent the old
// one), and the next command is online without a reuse detection.
import { expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'
import { waitUntil } from '../helpers/wait-until'

const TIMEOUT = 90_000
const TOKEN_ROUTE = 'POST /user_management/authenticate'
const { root, startConsole } = binarySuite('pensar-refresh-cancel-')

test('Ctrl-C during `pensar status` while the Console answers the renewal: exit 130, the rotated token kept', async () => {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo', '--access-ttl', '300'])
  const control = (method: string, path: string, body?: unknown) => controlCall(c.url, method, path, body)
  const h = await loggedInHome(c.url, { root, workspace: 'acme' })
  // An access token the Console rejects: status renews it after the 401.
  const before = h.auth()
  writeFileSync(join(h.pensarHome, 'auth.json'), JSON.stringify({ ...before, accessToken: 'a-token-the-console-does-not-know' }))
  await control('POST', '/_console/stats/reset')
  await control('POST', '/_console/faults', { route: TOKEN_ROUTE, kind: 'delay', delayMs: 1_500 })

  const run = await runPensar(['status'], { home: h.home })
  await waitUntil(async () => (await control('GET', '/_console/stats')).requests[TOKEN_ROUTE] === 1, 'the renewal to reach the Console')
  run.proc.kill('SIGINT')
  const result = await run.done(30_000)
  expect(result.code).toBe(130)
  expect(result.stderr).toContain('Cancelled')
  expect(h.auth().refreshToken).not.toBe(before.refreshToken)

  const next = await (await runPensar(['status', '--json'], { home: h.home })).done(30_000)
  expect(next.code).toBe(0)
  expect(JSON.parse(next.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } })
  expect(await control('GET', '/_console/stats')).toMatchObject({ refreshes: 1, reuseDetections: 0 })
}, TIMEOUT)
