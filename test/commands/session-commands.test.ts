// The session commands through main(): names and aliases, flags, exit codes, what reaches
// stdout and stderr.
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCommandLine } from '../../src/commands/command-line'
import { statusCommand } from '../../src/commands/status'
import type { StatusOptions } from '../../src/flows/status/status'
import { main } from '../../src/main'
import { createStore } from '../../src/lib/store'
import { createTestContext } from '../helpers/context'
import { FakeFetch, json, oauthError } from '../helpers/fake-fetch'
import { captureIo } from '../helpers/process-io'
import { accessTokenExpiringIn, seedWorkosSession } from '../helpers/session-fixtures'

async function seededHome(accessTtlMs: number) {
  const home = join(mkdtempSync(join(tmpdir(), 'pensar-cmd-')), '.pensar')
  const store = createStore({ home, now: Date.now, warn: () => {} })
  await seedWorkosSession({ store } as never, { accessToken: accessTokenExpiringIn(Date.now(), accessTtlMs) })
  return home
}

describe('status command', () => {
  test('--offline reaches the flow', async () => {
    const { ctx, cleanup } = createTestContext()
    const seen: StatusOptions[] = []
    const status = statusCommand(ctx, async (_ctx, opts) => seen.push(opts))
    await runCommandLine(status, ['--offline'])
    await runCommandLine(status, [])
    expect(seen).toEqual([{ offline: true }, { offline: false }])
    cleanup()
  })

  test.each([[['status']], [['login', 'status']], [['auth', 'status']]])('`pensar %p --json --offline` prints one object and exits 0', async (words) => {
    const home = await seededHome(240_000)
    const io = captureIo({ vars: { PENSAR_HOME: home } })
    expect(await main([...words, '--json', '--offline'], io)).toBe(0)
    const lines = io.out().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ loggedIn: true, authType: 'workos', source: 'file', online: null })
  })

  test('not logged in: exit 4 and a message on stderr', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'pensar-cmd-')), '.pensar')
    const io = captureIo({ vars: { PENSAR_HOME: home } })
    expect(await main(['status'], io)).toBe(4)
    expect(io.out()).toBe('')
    expect(io.err()).toContain('Not logged in')
  })

  test('a revoked session: the expiry notice exactly once on stderr, exit 4', async () => {
    const home = await seededHome(240_000)
    const fetch = new FakeFetch()
    fetch.on('GET', '/gateway/validate', oauthError('invalid_token', 401))
    fetch.on('POST', '/user_management/authenticate', oauthError('invalid_grant'))
    const io = captureIo({ vars: { PENSAR_HOME: home }, fetch: fetch.fetch })
    expect(await main(['login', 'status'], io)).toBe(4)
    expect(io.err().split('Your Pensar Console session has expired. Run `pensar login` to reconnect.')).toHaveLength(2)
  })

  test('unknown flags are usage errors', async () => {
    const io = captureIo()
    expect(await main(['status', '--ofline'], io)).toBe(2)
  })
})

describe('logout command', () => {
  test.each([[['logout']], [['login', 'logout']], [['auth', 'logout']]])('`pensar %p` revokes, clears, exits 0; twice exits 0', async (words) => {
    const home = await seededHome(240_000)
    const fetch = new FakeFetch()
    fetch.on('POST', '/oauth/revoke', json({}))
    const io = captureIo({ vars: { PENSAR_HOME: home }, fetch: fetch.fetch })
    expect(await main(words, io)).toBe(0)
    expect(existsSync(join(home, 'auth.json'))).toBe(false)
    expect(io.err()).toContain('Logged out')
    const again = captureIo({ vars: { PENSAR_HOME: home }, fetch: fetch.fetch })
    expect(await main(words, again)).toBe(0)
    expect(fetch.calls('/oauth/revoke')).toHaveLength(1)
  })

  test('--json: one logged_out event on stdout', async () => {
    const home = await seededHome(240_000)
    const fetch = new FakeFetch()
    fetch.on('POST', '/oauth/revoke', json({}))
    const io = captureIo({ vars: { PENSAR_HOME: home }, fetch: fetch.fetch })
    expect(await main(['logout', '--json'], io)).toBe(0)
    expect(JSON.parse(io.out())).toEqual({ event: 'logged_out', wasLoggedIn: true, revocation: 'revoked' })
  })
})

describe('login --with-api-key', () => {
  test('with a terminal on stdin: exit 2 and how to pipe the key, no request', async () => {
    const fetch = new FakeFetch()
    const io = captureIo({ tty: true, fetch: fetch.fetch })
    expect(await main(['login', '--with-api-key'], io)).toBe(2)
    expect(io.err()).toContain('< key.txt')
    expect(fetch.requests).toHaveLength(0)
  })

  test('never accepts the key as an argument', async () => {
    const io = captureIo()
    expect(await main(['login', '--with-api-key', 'psk_on_the_command_line'], io)).toBe(2)
    expect(io.err()).not.toContain('psk_on_the_command_line')
  })
})

