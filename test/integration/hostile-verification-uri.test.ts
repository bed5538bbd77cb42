// A server that answers the device authorization with a dangerous verification address: the
// binary must refuse it (exit 1, clear message), never hand it to the browser, never poll.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killAllPensar, runPensar } from '../helpers/run-pensar'
import { pensarBinary } from '../helpers/pensar-binary'

let verificationUri = ''
let polls = 0
let server: ReturnType<typeof Bun.serve>
let dir: string
let opened: string
let browser: string

beforeAll(async () => {
  server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req) {
      const url = new URL(req.url)
      const origin = url.origin
      if (url.pathname === '/api/cli/config') return Response.json({ clientId: 'c', issuer: origin, consoleUrl: origin })
      if (url.pathname === '/.well-known/openid-configuration') {
        return Response.json({ issuer: origin, device_authorization_endpoint: `${origin}/device/authorize`, token_endpoint: `${origin}/token` })
      }
      if (url.pathname === '/device/authorize') {
        return Response.json({ device_code: 'dc_hostile0123456789', user_code: 'BCDF-GHJK', verification_uri: verificationUri, verification_uri_complete: verificationUri, expires_in: 60, interval: 0.2 })
      }
      if (url.pathname === '/token') polls++
      return Response.json({ error: 'authorization_pending' }, { status: 400 })
    },
  })
  dir = mkdtempSync(join(tmpdir(), 'pensar-hostile-'))
  opened = join(dir, 'opened.txt')
  browser = join(dir, 'browser')
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`)
  chmodSync(browser, 0o755)
  await pensarBinary()
}, 300_000)

afterAll(() => {
  killAllPensar()
  server?.stop(true)
  rmSync(dir, { recursive: true, force: true })
})

describe('a hostile verification_uri', () => {
  for (const uri of ['javascript:alert(document.cookie)', 'file:///etc/passwd', 'http://evil.example/device']) {
    test(`${uri.split(':')[0]}${uri.startsWith('http') ? ' (non-loopback)' : ''} is refused`, async () => {
      verificationUri = uri
      polls = 0
      const home = mkdtempSync(join(dir, 'home-'))
      const run = await runPensar(['login', '--json'], { home, env: { PENSAR_API_URL: server.url.origin, BROWSER: browser } })
      const result = await run.done()
      expect(result.code).toBe(1)
      expect(result.events).toEqual([expect.objectContaining({ event: 'error', code: 'unsafe_url' })])
      expect(result.stderr).toContain('unsafe verification address')
      expect(existsSync(opened) ? readFileSync(opened, 'utf8') : '').toBe('')
      expect(polls).toBe(0)
      expect(existsSync(join(home, '.pensar', 'auth.json'))).toBe(false)
    }, 60_000)
  }
})
