// The compiled binary on a real terminal (tmux, every byte it writes captured with pipe-pane)
// against a Console that poisons every text field with terminal attacks: in login (code panel,
// workspace select, billing key), status, the connected screen, doctor, the interactive prompt
// and the error paths, no byte sequence the server chose reaches the terminal as a control
// sequence. The terminal itself agrees: its clipboard holds only the code pensar copied, its title
// is unchanged. Our own colours, link and clipboard copy still work, and a non-Latin name is drawn
// exactly as sent.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Terminal } from '../e2e/support/terminal'
import { NON_LATIN_NAME, startHostileConsole, type HostileConsole, type HostileMode } from '../helpers/hostile-console'
import { obeyedPoison } from '../helpers/hostile-text'
import { pensarBinary } from '../helpers/pensar-binary'
import { killAllPensar, runPensar } from '../helpers/run-pensar'

const TIMEOUT = 90_000
const CODE = 'BCDF-GHJK'
const root = mkdtempSync(join(tmpdir(), 'pensar-hostile-tty-'))
let binary: string
let hc: HostileConsole
let term: Terminal | undefined
/** Logged in to the hostile workspace (without a terminal), in beforeAll. */
let loggedIn: string

beforeAll(async () => {
  binary = await pensarBinary()
  hc = startHostileConsole('text')
  loggedIn = mkdtempSync(join(root, 'home-'))
  const login = await (await runPensar(['login', '--workspace', 'ws_hostile', '--api-url', hc.url], { home: loggedIn })).done(30_000)
  if (login.code !== 0) throw new Error(`login failed:\n${login.stderr}`)
}, 300_000)

afterEach(() => {
  term?.stop()
  term = undefined
})

afterAll(() => {
  killAllPensar()
  hc?.stop()
  rmSync(root, { recursive: true, force: true })
})

async function run(mode: HostileMode, home: string, args: string[]): Promise<Terminal> {
  hc.mode = mode
  term = await Terminal.start({
    command: [binary, ...args, '--api-url', hc.url],
    env: { PATH: process.env.PATH, HOME: home, PENSAR_HOME: join(home, '.pensar'), BROWSER: 'true', NO_PROXY: '127.0.0.1,localhost', TERM: 'xterm-256color' },
    rawOutput: true,
  })
  return term
}

/** After the program ended: nothing it wrote obeys the poison, and the terminal was not driven by it. */
async function expectNothingObeyed(t: Terminal, copied: string[] = []) {
  const raw = await t.rawOutputToTheEnd()
  expect(obeyedPoison(raw, copied)).toEqual([])
  expect(t.clipboard()).toEqual(copied)
  expect(t.title()).not.toContain('pwned')
  return raw
}

const freshHome = () => mkdtempSync(join(root, 'home-'))

/** The screen's words without the rows a long message wraps into (ui/fit.ts) and without spaces: a 200-character hostile email is cut across rows. */
const unwrapped = (screen: string) => screen.replace(/\n│  /g, '').replace(/\s+/g, '')

describe('a hostile Console on a real terminal', () => {
  test('login: the code panel, the workspace select with hostile and non-Latin names, the billing key, the success line', async () => {
    const t = await run('text', freshHome(), ['login'])
    await t.waitFor('Log in to Pensar Console')
    const select = await t.waitFor('Which workspace should Apex use?')
    expect(select).toContain('Acme\\x1b[2J\\x1b[H')
    // clack's select wraps its labels with fast-wrap-ansi, which NFC-normalizes them: the same
    // text to a reader (e + U+0301 is drawn as é), so compare canonically here.
    expect(select.normalize()).toContain(`${NON_LATIN_NAME.normalize()} (tokyo)`)
    t.press('Down')
    await t.waitFor(/● 東京/)
    t.press('Enter')
    const billing = await t.waitFor('Open the billing page now?')
    expect(billing).toContain(`Billing isn't set up for ${NON_LATIN_NAME}. Finish setup:`)
    t.press('Enter')
    expect(await t.exitCode()).toBe(0)
    expect(unwrapped(t.screen())).toContain(unwrapped('Logged in as mallory\\x1b[2J'))
    expect(unwrapped(t.screen())).toContain(unwrapped(`Apex will use workspace ${NON_LATIN_NAME} (tokyo)`))
    const raw = await expectNothingObeyed(t, [CODE])
    // Our own sequences still work: the clickable address, colours, and the copy above.
    expect(raw).toContain(`\x1b]8;;${hc.url}/device\x1b\\`)
    expect(raw).toContain('\x1b[36m')
  }, TIMEOUT)

  test('status', async () => {
    const t = await run('text', loggedIn, ['status'])
    expect(await t.exitCode()).toBe(0)
    expect(t.screen()).toContain('Connected to Pensar Console')
    expect(t.screen()).toContain('\\x1b]52;c;SE9TVElMRQ==\\x07')
    await expectNothingObeyed(t)
  }, TIMEOUT)

  test('the connected screen of `pensar login`, left with Esc', async () => {
    const t = await run('text', loggedIn, ['login'])
    const screen = await t.waitFor('What next?')
    expect(screen).toContain('User:      mallory\\x1b[2J')
    t.press('Escape')
    expect(await t.exitCode()).toBe(0)
    await expectNothingObeyed(t)
  }, TIMEOUT)

  test('doctor, with a hostile issuer', async () => {
    const t = await run('addresses', loggedIn, ['doctor'])
    await t.exitCode()
    expect(t.screen()).toContain(`${hc.url}/x\\x1b[2J`)
    await expectNothingObeyed(t)
  }, TIMEOUT)

  test('the interactive prompt: /status, then /login (the connected screen, Esc), then /exit', async () => {
    const t = await run('text', loggedIn, [])
    await t.waitFor('/help lists the commands')
    t.type('/status')
    t.press('Enter')
    await t.waitFor('Workspace:   Acme\\x1b[2J')
    t.type('/login')
    t.press('Enter')
    await t.waitFor('What next?')
    t.press('Escape')
    await t.waitFor(/Esc back\n.*\n[›>] $/m)
    t.type('/exit')
    t.press('Enter')
    expect(await t.exitCode()).toBe(0)
    await expectNothingObeyed(t)
  }, TIMEOUT)

  test('error paths: a hostile error_description in status and in a login that fails', async () => {
    const status = await run('errors', loggedIn, ['status'])
    expect(await status.exitCode()).toBe(0)
    expect(status.screen()).toContain('Online:      not verified:')
    expect(status.screen()).toContain('\\x1b[6n')
    await expectNothingObeyed(status)
    status.stop()
    const login = await run('errors', freshHome(), ['login'])
    expect(await login.exitCode()).toBe(1)
    expect(unwrapped(login.screen())).toContain(unwrapped('answered 400 (server_error: The server says\\x1b[2J'))
    await expectNothingObeyed(login, [CODE])
  }, TIMEOUT)

  test('a hostile verification address is shown escaped and never made a link; Ctrl-C at the select', async () => {
    const t = await run('addresses', freshHome(), ['login'])
    await t.waitFor(/Which workspace|__PENSAR_EXIT=/)
    t.press('C-c')
    await t.exitCode()
    const raw = await expectNothingObeyed(t, [CODE])
    expect(raw).not.toContain('\x1b]8;;')
  }, TIMEOUT)

  test('a hostile user code is refused before anything is shown or copied', async () => {
    const t = await run('code', freshHome(), ['login'])
    expect(await t.exitCode()).toBe(1)
    expect(t.screen()).toContain("Pensar Console sent a code that can't be shown safely.")
    await expectNothingObeyed(t)
  }, TIMEOUT)
})
