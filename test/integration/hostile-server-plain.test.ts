// The compiled binary without a terminal (plain stderr, as in CI or a pipe) against a Console that
// poisons every text field with terminal attacks: login, status, doctor, logout, the error paths
// and --debug write none of it as a control sequence, and show all of it; --json carries the raw
// values exactly; the stored files keep them whole.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NON_LATIN_NAME, startHostileConsole, type HostileConsole } from '../helpers/hostile-console'
import { hostile, obeyedPoison, SHOWN_FORMS } from '../helpers/hostile-text'
import { pensarBinary } from '../helpers/pensar-binary'
import { killAllPensar, runPensar } from '../helpers/run-pensar'

const TIMEOUT = 60_000
const root = mkdtempSync(join(tmpdir(), 'pensar-hostile-plain-'))
let hc: HostileConsole
/** Logged in to the hostile workspace, in beforeAll. */
let home: string

beforeAll(async () => {
  await pensarBinary()
  hc = startHostileConsole('text')
  home = mkdtempSync(join(root, 'home-'))
  const login = await pensar(home, ['login', '--workspace', 'ws_hostile'])
  if (login.code !== 0) throw new Error(`login failed:\n${login.stderr}`)
}, 300_000)

afterAll(() => {
  killAllPensar()
  hc?.stop()
  rmSync(root, { recursive: true, force: true })
})

async function pensar(inHome: string, args: string[], env: Record<string, string> = {}) {
  return (await runPensar([...args, '--api-url', hc.url], { home: inHome, env })).done(30_000)
}

/** Nothing obeyed on either stream; every piece of the poison shown on stderr. */
function expectShownNotObeyed(result: { stdout: string; stderr: string }) {
  expect(obeyedPoison(result.stderr, ['BCDF-GHJK'])).toEqual([])
  expect(obeyedPoison(result.stdout)).toEqual([])
  // A report is on stdout (docs/message-style.md, "Streams"), the rest on stderr: shown in one or the other.
  for (const shown of SHOWN_FORMS) expect(result.stderr + result.stdout).toContain(shown)
}

const freshHome = () => mkdtempSync(join(root, 'home-'))

describe('a hostile Console, no terminal', () => {
  test('login with --workspace: the email and workspace are shown escaped; the files keep the raw values', async () => {
    hc.mode = 'text'
    const h = freshHome()
    const result = await pensar(h, ['login', '--workspace', 'ws_hostile'])
    expect(result.code).toBe(0)
    expectShownNotObeyed(result)
    expect(result.stderr).toContain('Logged in as mallory\\x1b[2J')
    const config = JSON.parse(readFileSync(join(h, '.pensar', 'config.json'), 'utf8'))
    expect(config.user.email).toBe(hc.email)
    expect(config.workspace).toEqual(hc.workspaces[0])
  }, TIMEOUT)

  test('login without --workspace: the usage error listing hostile slugs is shown escaped (exit 2)', async () => {
    hc.mode = 'text'
    const result = await pensar(freshHome(), ['login'])
    expect(result.code).toBe(2)
    expectShownNotObeyed(result)
    expect(result.stderr).toContain("choose one with `pensar login --workspace <slug>`: acme\\x1b[2J")
  }, TIMEOUT)

  test('--json: the raw values exactly, nothing on stdout a terminal would obey; a non-Latin name untouched on stderr', async () => {
    hc.mode = 'text'
    const result = await pensar(freshHome(), ['login', '--json', '--workspace', 'ws_intact'])
    expect(result.code).toBe(0)
    expect(obeyedPoison(result.stdout)).toEqual([])
    expect(obeyedPoison(result.stderr, ['BCDF-GHJK'])).toEqual([])
    expect(result.events.find((e) => e.event === 'logged_in')).toMatchObject({ user: { email: hc.email }, workspace: { name: NON_LATIN_NAME } })
    expect(result.stderr).toContain(`Apex will use workspace ${NON_LATIN_NAME} (tokyo)`)
  }, TIMEOUT)

  test('status and status --offline', async () => {
    hc.mode = 'text'
    for (const args of [['status'], ['status', '--offline']]) {
      const result = await pensar(home, args)
      expect(result.code).toBe(0)
      expectShownNotObeyed(result)
      expect(result.stdout).toContain('Workspace:   Acme\\x1b[2J')
    }
    const json = await pensar(home, ['status', '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ user: { email: hc.email }, workspace: hc.workspaces[0] })
    expect(obeyedPoison(json.stdout)).toEqual([])
  }, TIMEOUT)

  test('doctor shows a hostile issuer escaped', async () => {
    hc.mode = 'addresses'
    const result = await pensar(home, ['doctor'])
    expect(obeyedPoison(result.stderr + result.stdout)).toEqual([])
    expect(result.stdout).toContain(`(${hc.url}/x\\x1b[2J`)
  }, TIMEOUT)

  test('error paths: a hostile error_description from the gateway (status) and the token endpoint (login)', async () => {
    hc.mode = 'errors'
    const status = await pensar(home, ['status'])
    expect(status.code).toBe(0) // an unreachable gateway does not make a good session "not connected"
    expectShownNotObeyed(status)
    expect(status.stdout).toContain('Online:      not verified:')
    const login = await pensar(freshHome(), ['login'])
    expect(login.code).toBe(1)
    expectShownNotObeyed(login)
    expect(login.stderr).toContain('answered 400 (server_error: The server says\\x1b[2J')
  }, TIMEOUT)

  test('--debug: requests and answers quoting the poison are logged escaped, and so is the stack', async () => {
    hc.mode = 'addresses'
    const result = await pensar(freshHome(), ['login', '--debug'])
    expect(result.stderr).toContain('[debug]')
    expect(result.stderr).toContain('    at ')
    expectShownNotObeyed(result)
  }, TIMEOUT)

  test('a hostile user code is refused: exit 1, the message, nothing stored', async () => {
    hc.mode = 'code'
    const h = freshHome()
    const result = await pensar(h, ['login'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("Pensar Console sent a code that can't be shown safely.")
    expect(obeyedPoison(result.stderr)).toEqual([])
    expect(result.stderr).not.toContain('BCDF')
    expect(existsSync(join(h, '.pensar', 'auth.json'))).toBe(false)
    expect(existsSync(join(h, '.pensar', 'config.json'))).toBe(false)
  }, TIMEOUT)

  test('tokens carrying the poison are refused, at login and at a renewal: `login token` never prints one', async () => {
    hc.mode = 'tokens'
    const h = freshHome()
    const login = await pensar(h, ['login', '--workspace', 'ws_hostile'])
    expect(login.code).toBe(1)
    expect(login.stderr).toContain('unexpected shape (field `access_token`)')
    expect(obeyedPoison(login.stderr + login.stdout, ['BCDF-GHJK'])).toEqual([])
    expect(existsSync(join(h, '.pensar', 'auth.json'))).toBe(false)

    hc.mode = 'text'
    expect((await pensar(h, ['login', '--workspace', 'ws_hostile'])).code).toBe(0)
    const authPath = join(h, '.pensar', 'auth.json')
    const before = JSON.parse(readFileSync(authPath, 'utf8'))
    writeFileSync(authPath, JSON.stringify({ ...before, expiresAt: Date.now() - 1000 }), { mode: 0o600 })
    hc.mode = 'tokens'
    const token = await pensar(h, ['login', 'token'])
    expect(token.code).not.toBe(0)
    expect(token.stdout).toBe('')
    expect(token.stderr).toContain('not printable ASCII')
    expect(obeyedPoison(token.stderr)).toEqual([])
    expect(JSON.parse(readFileSync(authPath, 'utf8'))).toMatchObject({ accessToken: before.accessToken, refreshToken: before.refreshToken })
  }, TIMEOUT)

  test('a hostile verification address is shown escaped or refused, never obeyed', async () => {
    hc.mode = 'addresses'
    const result = await pensar(freshHome(), ['login'])
    expect(obeyedPoison(result.stderr, ['BCDF-GHJK'])).toEqual([])
    expect(result.stderr).toContain('\\x1b[2J')
  }, TIMEOUT)

  test('logout', async () => {
    hc.mode = 'text'
    const h = freshHome()
    expect((await pensar(h, ['login', '--workspace', 'ws_hostile'])).code).toBe(0)
    const result = await pensar(h, ['logout'])
    expect(result.code).toBe(0)
    expect(obeyedPoison(result.stderr)).toEqual([])
  }, TIMEOUT)
})

test('the poison is what this file claims: raw, it holds every attack', () => {
  expect(obeyedPoison(hostile('x')).length).toBeGreaterThan(5)
})
