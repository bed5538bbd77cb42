import { describe, expect, test } from 'bun:test'
import { defineCommand } from 'citty'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUILD } from '../../src/build-info'
import { loginCommand } from '../../src/commands/login'
import { runCommandLine } from '../../src/commands/command-line'
import type { LoginOptions } from '../../src/flows/login/options'
import { AuthError, CancelledError, PensarError, SilentError, UsageError } from '../../src/lib/errors'
import { main } from '../../src/main'
import { createTestContext } from '../helpers/context'
import { fakeKeychain } from '../helpers/fake-keychain'
import { FakeFetch, json, networkError, oauthError } from '../helpers/fake-fetch'
import { hostile, obeyedPoison, POISON, SHOWN_FORMS } from '../helpers/hostile-text'
import { captureIo } from '../helpers/process-io'

const freshHome = () => join(mkdtempSync(join(tmpdir(), 'pensar-main-')), '.pensar')
const failing = (error: unknown) => () => defineCommand({ meta: { name: 'pensar' }, subCommands: { go: defineCommand({ run: () => { throw error } }) } })

describe('main', () => {
  test('--version prints version, commit, build date and target', async () => {
    const io = captureIo()
    expect(await main(['--version'], io)).toBe(0)
    expect(io.out()).toBe(`pensar ${BUILD.version} (${BUILD.commit}, built ${BUILD.buildDate}, ${BUILD.target})\n`)
  })

  test('--version --json prints an object', async () => {
    const io = captureIo()
    expect(await main(['--version', '--json'], io)).toBe(0)
    expect(JSON.parse(io.out())).toEqual({ version: BUILD.version, commit: BUILD.commit, buildDate: BUILD.buildDate, target: BUILD.target })
  })

  test('no arguments without a terminal prints help and exits 0', async () => {
    const io = captureIo()
    expect(await main([], io)).toBe(0)
    expect(io.out()).toContain('USAGE')
    expect(io.out()).toContain('login')
    expect(io.out()).not.toContain('\x1b[')
    expect(io.out().split('\n').filter((line) => line !== line.trimEnd())).toEqual([])
  })

  test('--help of a subcommand, through the auth alias too', async () => {
    for (const argv of [['login', '--help'], ['auth', '-h']]) {
      const io = captureIo()
      expect(await main(argv, io)).toBe(0)
      expect(io.out()).toContain('--workspace')
      expect(io.out()).toContain('--no-browser')
    }
  })

  test('an unknown option is a usage error (exit 2) that names it', async () => {
    const io = captureIo()
    expect(await main(['login', '--worksapce', 'acme'], io)).toBe(2)
    expect(io.err()).toContain('Unknown option --worksapce for `pensar login`')
  })

  test('an unknown command exits 2', async () => {
    const io = captureIo()
    expect(await main(['frobnicate'], io)).toBe(2)
    expect(io.err()).toContain('Unknown command frobnicate for `pensar`.')
    const typo = captureIo()
    expect(await main(['logn', '--json'], typo)).toBe(2)
    expect(JSON.parse(typo.out())).toMatchObject({ code: 'usage', hint: 'Did you mean `pensar login`? Run `pensar --help` to see the commands.' })
  })
  test('`pensar -- status`: the word after -- is not a command, and the message says why', async () => {
    const io = captureIo({ vars: { PENSAR_HOME: freshHome() } })
    expect(await main(['--', 'status'], io)).toBe(2)
    expect(io.err()).toContain('`status` comes after `--`, which ends the options, so it is not read as a command.')
    expect(io.err()).toContain('Put the command first: `pensar status`.')
  })


  test('a bad --api-url exits 2 with what to do', async () => {
    const io = captureIo()
    expect(await main(['login', '--api-url', 'ftp://x'], io)).toBe(2)
    expect(io.err()).toContain('Invalid API URL in --api-url ("ftp://x"): ftp: is not http: or https:')
  })

  test.each([
    [new PensarError('boom', { hint: 'do this' }), 1],
    [new UsageError('bad'), 2],
    [new AuthError(), 4],
    [new CancelledError('Login cancelled.'), 130],
    [new SilentError(4), 4],
    [new Error('raw'), 1],
  ])('maps %p to exit %p', async (error, code) => {
    const io = captureIo({ vars: { PENSAR_HOME: freshHome() } })
    expect(Number(await main(['go'], io, failing(error)))).toBe(Number(code))
  })

  test('messages are redacted, stacks only with --debug', async () => {
    const secret = new PensarError('token rt_secret12345678 leaked')
    const io = captureIo()
    await main(['go'], io, failing(secret))
    expect(io.err()).toContain('token [redacted] leaked')
    expect(io.err()).not.toContain('at ')
    const debug = captureIo()
    await main(['go', '--debug'], debug, failing(secret))
    expect(debug.err()).toContain('at ')
    expect(debug.err()).not.toContain('rt_secret')
  })

  test('an unexpected error asks for --debug only when it is off', async () => {
    const io = captureIo()
    expect(await main(['go'], io, failing(new Error('raw')))).toBe(1)
    expect(io.err()).toContain('Run again with --debug for details')
    const debug = captureIo()
    expect(await main(['go', '--debug'], debug, failing(new Error('raw')))).toBe(1)
    expect(debug.err()).not.toContain('Run again with --debug')
    expect(debug.err()).toContain('The details are below')
  })

  test('a signal\'s cancellation keeps its exit code and --json code (SIGTERM 143, SIGHUP 129)', async () => {
    const io = captureIo()
    const stopped = new CancelledError('Stopped by SIGTERM.', { exitCode: 143, code: 'terminated' })
    expect(await main(['go', '--json'], io, failing(stopped))).toBe(143)
    expect(JSON.parse(io.out())).toMatchObject({ event: 'error', code: 'terminated' })
    expect(stopped.reworded('Login cancelled.')).toBe(stopped)
    expect(new CancelledError().reworded('Login cancelled.').message).toBe('Login cancelled.')
  })

  test('a PENSAR_API_URL that is not an API address is a usage error (exit 2), its password never shown', async () => {
    const io = captureIo({ vars: { PENSAR_API_URL: 'https://me:hunter2@api.example.test', PENSAR_HOME: freshHome() } })
    expect(await main(['status'], io)).toBe(2)
    expect(io.err()).toContain('Invalid API URL in PENSAR_API_URL ("https://***@api.example.test")')
    expect(io.err()).not.toContain('hunter2')
  })

  test('--json errors are one event line on stdout', async () => {
    const io = captureIo()
    expect(await main(['go', '--json'], io, failing(new UsageError('pick one', { code: 'workspace_required', hint: 'use --workspace' })))).toBe(2)
    expect(io.out().trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ event: 'error', code: 'workspace_required', message: 'pick one', hint: 'use --workspace' }])
  })

  test('login --json end to end in-process: denied → exit 1, only events on stdout', async () => {
    const fetch = new FakeFetch()
    const api = 'http://127.0.0.1:9'
    fetch.on('GET', '/api/cli/config', json({ clientId: 'c', issuer: api, consoleUrl: api }))
    fetch.on('GET', '/.well-known/openid-configuration', json({ device_authorization_endpoint: `${api}/d`, token_endpoint: `${api}/t` }))
    fetch.on('POST', '/d', json({ device_code: 'dc_x0123456789', user_code: 'BCDF-GHJK', verification_uri: `${api}/device`, expires_in: 60, interval: 0.01 }))
    fetch.on('POST', '/t', oauthError('access_denied'))
    const io = captureIo({ fetch: fetch.fetch, vars: { PENSAR_HOME: freshHome(), PENSAR_API_URL: api } })
    expect(await main(['login', '--json', '--no-browser'], io)).toBe(1)
    const events = io.out().trim().split('\n').map((l) => JSON.parse(l))
    expect(events.map((e) => e.event)).toEqual(['device_code', 'error'])
    expect(events[1]).toMatchObject({ code: 'access_denied', message: 'Authorization was denied in the browser.' })
    expect(io.out()).not.toContain('dc_x')
  })
})

describe('login command', () => {
  test('passes --workspace and --no-browser to the flow', async () => {
    const { ctx, cleanup } = createTestContext()
    const calls: LoginOptions[] = []
    const login = loginCommand(ctx, async (_c, o) => calls.push(o))
    await runCommandLine(login, ['--workspace', 'acme', '--no-browser'])
    await runCommandLine(login, [])
    await runCommandLine(login, ['--workspace=beta', '--browser=false', '--json'])
    expect(calls).toEqual([{ workspace: 'acme', openBrowser: false }, { workspace: undefined, openBrowser: true }, { workspace: 'beta', openBrowser: false }])
    cleanup()
  })

  test('a subcommand runs alone: `login status` never starts a login (citty would run the parent after it)', async () => {
    const { ctx, cleanup } = createTestContext()
    const calls: LoginOptions[] = []
    const ran: string[] = []
    const root = defineCommand({
      meta: { name: 'pensar' },
      subCommands: { login: { ...loginCommand(ctx, async (_c, o) => calls.push(o)), subCommands: { status: defineCommand({ run: () => void ran.push('status') }) } } },
    })
    await runCommandLine(root, ['login', '--workspace', 'acme', 'status'])
    expect(ran).toEqual(['status'])
    expect(calls).toEqual([])
    cleanup()
  })

  test('--credential-store picks where this login keeps its secrets; another word is a usage error', async () => {
    const { ctx, cleanup } = createTestContext({ keychain: fakeKeychain().keychain, credentialMode: 'auto' })
    const modes: string[] = []
    const login = loginCommand(ctx, async (c) => void modes.push(c.store.credentialMode))
    await runCommandLine(login, ['--credential-store', 'keychain'])
    await runCommandLine(login, ['--credential-store=FILE'])
    await runCommandLine(login, [])
    expect(modes).toEqual(['keychain', 'file', 'auto'])
    const error = await runCommandLine(login, ['--credential-store', 'vault']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toBe('--credential-store must be auto, keychain or file, not "vault".')
    cleanup()
  })

  test('a word the command does not take is a usage error', async () => {
    const { ctx, cleanup } = createTestContext()
    const login = defineCommand({ meta: { name: 'pensar' }, subCommands: { login: loginCommand(ctx, async () => {}) } })
    await expect(runCommandLine(login, ['login', 'statsu'])).rejects.toThrow('Unknown command statsu for `pensar login`.')
    await expect(runCommandLine(login, ['login', 'status', 'now'])).rejects.toThrow('`pensar login status` takes no argument "now".')
    cleanup()
  })
})

describe('main: errors quoting what a server sent', () => {
  const evil = hostile('The server says')

  test.each([
    ['on a terminal', { tty: true }, []],
    ['without a terminal', { tty: false }, []],
    ['with --debug (the stack too)', { tty: false }, ['--debug']],
    ['with --json (stderr and the error event)', { tty: false }, ['--json']],
  ] as const)('%s: the message and hint are shown, never obeyed', async (_name, opts, flags) => {
    const io = captureIo({ tty: opts.tty, vars: { NO_COLOR: undefined, TERM: 'xterm-256color' } })
    const code = await main(['go', ...flags], io, failing(new PensarError(evil, { hint: evil, code: 'server_error' })))
    expect(code).toBe(1)
    expect(obeyedPoison(io.err())).toEqual([])
    expect(obeyedPoison(io.out())).toEqual([])
    for (const shown of SHOWN_FORMS) expect(io.err()).toContain(shown)
    if ((flags as readonly string[]).includes('--json')) expect(JSON.parse(io.out())).toMatchObject({ event: 'error', message: evil, hint: evil })
  })

  test('an error before the Ui exists (a hostile --api-url) is made safe too', async () => {
    const io = captureIo()
    expect(await main(['status', '--api-url', `not a url${POISON.csi8bit}${POISON.rightToLeft}`], io)).toBe(2)
    expect(obeyedPoison(io.err())).toEqual([])
    expect(io.err()).toContain('\\x9b2J')
  })

  test('environment values doctor echoes back (PENSAR_HOME, BROWSER, a proxy, a CA file) are shown, never obeyed', async () => {
    const fetch = new FakeFetch()
    fetch.on('GET', '/api/cli/config', networkError('connection refused'))
    const vars = {
      PENSAR_HOME: join(freshHome(), `home${POISON.clearScreen}${POISON.rightToLeft}`),
      BROWSER: `firefox${POISON.clipboard}`,
      HTTPS_PROXY: `http://proxy${POISON.csi8bit}.corp:3128`,
      NODE_EXTRA_CA_CERTS: `/etc/ca${POISON.title}.pem`,
    }
    const io = captureIo({ fetch: fetch.fetch, vars })
    expect(await main(['doctor', '--api-url', 'https://api.test'], io)).toBe(1)
    // The report is on stdout (docs/message-style.md, "Streams"): both streams are checked.
    expect(obeyedPoison(io.err() + io.out())).toEqual([])
    for (const shown of ['home\\x1b[2J', 'firefox\\x1b]52;c;', '\\x1b]0;pwned-title']) expect(io.out()).toContain(shown)
  })

  test('Cancelled: its message is made safe as well', async () => {
    const io = captureIo()
    expect(await main(['go'], io, failing(new CancelledError(evil)))).toBe(130)
    expect(obeyedPoison(io.err())).toEqual([])
  })
})
