// `pensar doctor` through main(): its three names, `--json` as one object, exit 0 / 1.
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/main'
import { FakeFetch, json } from '../helpers/fake-fetch'
import { captureIo } from '../helpers/process-io'

const roots: string[] = []
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })))

function setUp(status = 200) {
  const root = mkdtempSync(join(tmpdir(), 'pensar-doctor-cmd-'))
  roots.push(root)
  const fetch = new FakeFetch().on('GET', '/api/cli/config', () => json({ clientId: 'client_cli' }, status, { date: new Date().toUTCString() }))
  const io = captureIo({ vars: { PENSAR_HOME: join(root, '.pensar'), DISPLAY: ':0', BROWSER: 'true' }, fetch: fetch.fetch })
  return { io, fetch }
}

describe('doctor command', () => {
  test.each([[['doctor']], [['login', 'doctor']], [['auth', 'doctor']]])('`pensar %p --json` prints one { ok, checks } object and exits 0', async (words) => {
    const { io, fetch } = setUp()
    expect(await main([...words, '--json'], io)).toBe(0)
    const lines = io.out().trim().split('\n')
    expect(lines).toHaveLength(1)
    const report = JSON.parse(lines[0]!)
    expect(report.ok).toBe(true)
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(['home', 'files', 'keychain', 'refresh-lock', 'browser', 'proxy', 'ca', 'api', 'clock', 'session'])
    expect(io.err()).toBe('')
    fetch.verify()
  })

  test('a failing check: exit 1, the report (the ✗ line, its hint, the verdict) on stdout, nothing on stderr', async () => {
    const { io } = setUp(503)
    expect(await main(['doctor'], io)).toBe(1)
    expect(io.out()).toStartWith('What a login needs\n  Console: https://api.console.pensar.dev\n')
    expect(io.out()).toContain('✗ API (failed): https://api.console.pensar.dev/api/cli/config answered 503.')
    expect(io.out()).toEndWith('1 check failed: a login would not work until that is fixed.\n')
    expect(io.err()).toBe('')
  })

  test('--help lists it, and `login doctor` does not start a login', async () => {
    const { io } = setUp()
    expect(await main(['--help'], io)).toBe(0)
    expect(io.out()).toContain('doctor')
    const again = setUp()
    expect(await main(['login', 'doctor'], again.io)).toBe(0)
    expect(again.io.err()).not.toContain('Log in to Pensar Console')
  })
})
