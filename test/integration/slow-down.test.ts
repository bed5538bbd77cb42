// RFC 8628 §3.5: after `slow_down` the CLI must wait 5 s longer for every later poll. A proxy in
// front of the local Console sends the CLI's first poll twice, so the Console itself answers the
// copy with slow_down (and grows the code's interval); had the CLI kept its old pace, the Console
// would answer slow_down again.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestConsole } from '../helpers/console'
import { pensarBinary } from '../helpers/pensar-binary'
import { killAllPensar, runPensar } from '../helpers/run-pensar'
import { waitUntil } from '../helpers/wait-until'

const root = mkdtempSync(join(tmpdir(), 'pensar-slow-'))
let consoleServer: Awaited<ReturnType<typeof startTestConsole>>
let proxy: ReturnType<typeof Bun.serve>
const pollAnswers: string[] = []
let duplicated = false

beforeAll(async () => {
  await pensarBinary()
  consoleServer = await startTestConsole(['--interval', '1'])
  const target = consoleServer.url
  proxy = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const url = new URL(req.url)
      const body = req.method === 'GET' ? undefined : await req.text()
      const forward = () => fetch(`${target}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body })
      let res = await forward()
      if (url.pathname === '/user_management/authenticate') {
        if (!duplicated) {
          duplicated = true
          res = await forward()
        }
        const text = await res.text()
        pollAnswers.push(res.ok ? 'ok' : (JSON.parse(text) as { error: string }).error)
        return new Response(text, { status: res.status, headers: { 'content-type': 'application/json' } })
      }
      // Keep the CLI talking to the proxy: the Console names itself in config and discovery.
      const text = (await res.text()).replaceAll(target, proxy.url.origin)
      return new Response(text, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' } })
    },
  })
}, 300_000)

afterAll(async () => {
  killAllPensar()
  proxy?.stop(true)
  await consoleServer?.stop()
  rmSync(root, { recursive: true, force: true })
})

test('after slow_down every later poll waits the longer interval', async () => {
  await fetch(`${consoleServer.url}/_console/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'slow@pensar.local', workspaces: [{ name: 'Acme', slug: 'acme', balance: 5, hasPaymentMethod: true }] }) })
  const run = await runPensar(['login', '--json', '--no-browser', '--api-url', proxy.url.origin], { home: mkdtempSync(join(root, 'home-')) })
  const code = await run.waitForEvent('device_code')
  // The Console answers an approved code without checking the pace, so judge the poll after the
  // slow_down while the code is still pending: at the old pace it would be another slow_down.
  // The proxy records answers as the CLI (another process) polls.
  await waitUntil(() => pollAnswers.length >= 2, () => `two poll answers; so far: ${pollAnswers.join(', ')}`, 40_000)
  expect(pollAnswers.slice(0, 2)).toEqual(['slow_down', 'authorization_pending'])
  await fetch(`${consoleServer.url}/_console/device/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_code: code.user_code, email: 'slow@pensar.local' }) })
  const result = await run.done(40_000)
  expect(result.code).toBe(0)
  expect(pollAnswers.at(-1)).toBe('ok')
  expect(pollAnswers.filter((a) => a === 'slow_down')).toHaveLength(1)
}, 90_000)

