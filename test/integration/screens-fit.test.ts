// Every screen at 40, 60 and 100 columns, on a real terminal (tmux) with the compiled binary and
// the local Console: login (the code panel, the workspace list, the billing step and its B), the
// connected screen of `pensar login`, `status`, `doctor`, the interactive prompt (/status,
// /doctor, /login, the startup warning and the toast), and the commands people reach for (help,
// version, workspace list and switch, open, usage, ask). On every screen no line is wider than the
// terminal (tmux's `capture-pane -J` joins a line the terminal wrapped, so an overflow shows as a
// longer line), every box keeps its frame, and every message reads whole once the gutter and
// frame are taken away: no word is split (docs/message-style.md, "Fit").
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Terminal } from '../e2e/support/terminal'
import { startTestConsole, type TestConsole } from '../helpers/console'
import { pensarBinary } from '../helpers/pensar-binary'
import { loggedInHome } from '../helpers/logged-in-home'
import { killAllPensar } from '../helpers/run-pensar'
import { untilJwtExpired } from '../helpers/wait-until'

const TIMEOUT = 120_000
const EMAIL = 'demo@pensar.local'
const WIDTHS = [40, 60, 100] as const
const root = mkdtempSync(join(tmpdir(), 'pensar-fit-'))
let binary: string
let pc: TestConsole
const terminals: Terminal[] = []

beforeAll(async () => {
  binary = await pensarBinary()
  pc = await startTestConsole(['--seed', 'demo', '--interval', '0.2'])
}, 300_000)

afterAll(async () => {
  for (const t of terminals) t.stop()
  killAllPensar()
  await pc?.stop()
  rmSync(root, { recursive: true, force: true })
})

async function open(cols: number, home: string, args: string[], env: Record<string, string> = {}): Promise<Terminal> {
  const term = await Terminal.start({
    command: [binary, ...args],
    cols,
    rows: 120, // tall enough that a whole report stays on the screen
    env: {
      PATH: process.env.PATH, HOME: home, PENSAR_HOME: join(home, '.pensar'), PENSAR_API_URL: pc.url, BROWSER: 'true',
      NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', TERM: 'xterm-256color', ...env,
    },
  })
  terminals.push(term)
  return term
}

/** What breaks the fit of `screen` on a terminal `cols` wide. */
function fitProblems(screen: string, cols: number): string[] {
  const problems: string[] = []
  let right = -1 // the column of the open box's right edge
  for (const [i, raw] of screen.split('\n').entries()) {
    const line = [...raw.trimEnd()]
    if (line.length > cols) problems.push(`row ${i} is ${line.length} wide: ${raw.trimEnd()}`)
    if (line[0] === '╭') {
      right = line.length - 1
      if (line[right] !== '╮') problems.push(`row ${i}: a box top without its corner: ${raw}`)
    } else if (right >= 0 && line[0] === '╰') {
      if (line.length - 1 !== right || line[right] !== '╯') problems.push(`row ${i}: a box bottom out of line: ${raw}`)
      right = -1
    } else if (right >= 0 && (line[0] !== '│' || line.length - 1 !== right || line[right] !== '│')) {
      problems.push(`row ${i}: a box row out of its frame: ${raw}`)
    }
  }
  return problems
}

/** The words on the screen as a person reads them: without frames, gutters and symbols, rows joined. */
function prose(screen: string): string {
  return screen
    .split('\n')
    .map((line) => line.replace(/^[│╭╰◆▲■●◇◒◐◓◑›]|─+[╮╯]?|│\s*$/g, ' '))
    .join(' ')
    .replace(/\s+/g, ' ')
}

/**
 * The screen fits, and reads: each phrase is there whole, words unsplit. An address or a path
 * longer than a row is the one thing cut across rows (`addresses`: found without the breaks).
 */
function expectFitAndWords(screen: string, cols: number, phrases: string[], addresses: string[] = []) {
  expect(fitProblems(screen, cols)).toEqual([])
  const text = prose(screen)
  const missing = phrases.filter((p) => !text.includes(p))
  const squashed = text.replace(/\s/g, '')
  missing.push(...addresses.filter((a) => !squashed.includes(a.replace(/\s/g, ''))))
  expect(missing.length ? { missing, screen } : {}).toEqual({})
}

/** Each item of a key legend on one row: the legend breaks between items, never inside one ("Esc" / "cancel"). */
function expectLegendItemsWhole(screen: string, items: string[]) {
  const rows = screen.split('\n')
  expect(items.filter((item) => !rows.some((row) => row.includes(item)))).toEqual([])
}

async function approveShownCode(term: Terminal) {
  const screen = await term.waitFor(/([B-Z] ){4}- ([B-Z] ){3}[B-Z]/)
  const spaced = screen.match(/((?:[B-Z] ){4}- (?:[B-Z] ){3}[B-Z])/)![1]!
  await pc.control.approve(spaced.replaceAll(' ', ''), EMAIL)
}

describe.each(WIDTHS)('at %i columns', (cols) => {
  const home = mkdtempSync(join(root, `home-${cols}-`))

  test('login: the code panel, the workspace list, the billing step and B', async () => {
    const term = await open(cols, home, ['login'])
    expectFitAndWords(await term.waitFor('The code expires in'), cols, ['Log in to Pensar Console', 'Check that your browser shows this code:', 'Your browser has been opened at:'])
    await approveShownCode(term)
    const list = await term.waitFor('Which workspace should Apex use?')
    expectFitAndWords(list, cols, ['↑↓ choose', 'Enter confirm', 'Esc cancel', 'Acme (acme) — $50.00'])
    expectLegendItemsWhole(list, ['↑↓ choose', 'Enter confirm', 'Esc cancel'])
    term.press('Down') // Acme, Low Balance, then No Billing
    await term.waitFor(/● Low Balance/)
    term.press('Down')
    await term.waitFor(/● No Billing/)
    term.press('Enter')
    await term.waitFor('Open the billing page now?')
    term.press('b')
    expect(await term.exitCode()).toBe(0)
    expectFitAndWords(term.screen(), cols, [
      "Billing isn't set up for No Billing. Finish setup:",
      'Open the billing page now?',
      'B open billing page',
      'Enter continue',
      'Opened the billing page in your browser.',
      `Logged in as ${EMAIL}. Apex will use workspace No Billing (no-billing), balance $0.00.`,
    ])
    expectLegendItemsWhole(term.screen(), ['B open billing page', 'Enter continue'])
  }, TIMEOUT)

  test('the connected screen of `pensar login`, kept with Enter', async () => {
    const term = await open(cols, home, ['login'])
    const screen = await term.waitFor(/Esc cancel/)
    expectFitAndWords(screen, cols, [
      'Connected to Pensar Console',
      `User: ${EMAIL}`,
      'Workspace: No Billing (no-billing)',
      'Balance: $0.00 (low)',
      'Billing: not set up — press B to open the billing page',
      `Console: ${pc.url}`,
      'What next?',
      'S switch workspace', 'B open billing page', 'L log in again', 'D disconnect', 'Enter keep', 'Esc cancel',
    ])
    term.press('Enter')
    expect(await term.exitCode()).toBe(0)
    expectFitAndWords(term.screen(), cols, ['Kept the connection as it is.'])
  }, TIMEOUT)

  test('status', async () => {
    const term = await open(cols, home, ['status'])
    expect(await term.exitCode()).toBe(0)
    expectFitAndWords(term.screen(), cols, [
      'Connected to Pensar Console',
      'Workspace: No Billing (no-billing)',
      `Console: ${pc.url}`,
      'Balance: $0.00 (low)',
      'Billing: not set up — see Settings > Billing in Pensar Console',
    ], [`Credentials: ${join(home, '.pensar', 'auth.json')}`])
  }, TIMEOUT)

  test('doctor', async () => {
    const term = await open(cols, home, ['doctor'])
    expect(await term.exitCode()).toBe(0)
    expectFitAndWords(term.screen(), cols, [
      'What a login needs',
      `Console: ${pc.url}`,
      'exists, mode 0700; auth.json 0600.',
      "✓ Session: The access token is valid for",
      'Everything a login needs is in place.',
    ], [
      `✓ PENSAR_HOME: ${join(home, '.pensar')}`,
      `✓ API: ${pc.url} answered in`,
      `✓ Keychain: Not used: PENSAR_CREDENTIAL_STORE=file keeps the credentials in ${join(home, '.pensar', 'auth.json')} (0600).`,
    ])
  }, TIMEOUT)

  test('doctor where there is no keychain (no D-Bus session) and the store is auto: the warning wraps under its mark', async () => {
    const term = await open(cols, home, ['doctor'], { PENSAR_CREDENTIAL_STORE: 'auto' })
    expect(await term.exitCode()).toBe(0)
    expectFitAndWords(term.screen(), cols, [
      '! Keychain (warning): The OS keychain (Secret Service) is not available',
      'Or set PENSAR_CREDENTIAL_STORE=file to make the file the choice.',
      'No failures, 1 warning.',
    ], [`a login is kept in ${join(home, '.pensar', 'auth.json')} (0600) instead, with a one-line notice.`])
  }, TIMEOUT)

  test('the prompt: /status, /doctor, /login and back', async () => {
    const term = await open(cols, home, [])
    await term.waitFor('or type / for commands')
    expectFitAndWords(term.screen(), cols, ['Apex · Pensar Console'])
    for (const [line, done, phrases] of [
      ['/status', /Billing: +not set up/, ['Connected to Pensar Console', 'Billing: not set up — see Settings > Billing in Pensar Console']],
      ['/doctor', 'Everything a login needs is in place.', ['What a login needs', '✓ Session: The access token is valid for']],
      ['/login', 'Esc back', ['Billing: not set up — press B to open the billing page', 'S switch workspace', 'B open billing page', 'D disconnect', 'Esc back']],
    ] as const) {
      term.press('C-l')
      term.type(line)
      await term.waitFor(`› ${line}`)
      term.press('Enter')
      expectFitAndWords(await term.waitFor(done), cols, [...phrases])
    }
    term.press('Escape')
    await term.waitFor('Kept the connection as it is.')
    expectFitAndWords(await term.waitFor(/› \n/), cols, ['Kept the connection as it is.', 'Ask a question, or type / for commands'])
    term.type('/exit')
    term.press('Enter')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)
})

describe('a 20-column terminal in the C locale', () => {
  test('login: the code panel fits in ASCII, the code whole on one row', async () => {
    const home = mkdtempSync(join(root, 'home-20-'))
    const term = await open(20, home, ['login', '--no-browser'], { LANG: 'C', LC_ALL: 'C' })
    const screen = await term.waitFor(/[B-Z]{4}-[B-Z]{4}/)
    const rows = screen.split('\n').map((row) => row.trimEnd())
    expect(rows.filter((row) => row.length > 20)).toEqual([])
    // tmux runs with -u, so a box-drawing character would show as itself: none may be drawn.
    expect({ screen, nonAscii: screen.match(/[^\x00-\x7f]/g) ?? [] }).toEqual({ screen, nonAscii: [] })
    expect(rows.some((row) => /[B-Z]{4}-[B-Z]{4}/.test(row))).toBe(true)
    term.press('C-c')
    expect(await term.exitCode()).toBe(130)
  }, TIMEOUT)
})

describe('the prompt at 40 columns when the session needs renewing', () => {
  let shortLived: TestConsole

  beforeAll(async () => {
    shortLived = await startTestConsole(['--seed', 'demo', '--interval', '0.2', '--access-ttl', '3'])
  }, 60_000)

  afterAll(async () => {
    await shortLived?.stop()
  })

  async function expiredSession(): Promise<string> {
    const h = await loggedInHome(shortLived.url, { root, workspace: 'acme' })
    await untilJwtExpired(h.auth().accessToken)
    return h.home
  }

  test('an unreachable Console: the startup warning wraps inside the gutter', async () => {
    const home = await expiredSession()
    await shortLived.control.fault('POST /user_management/authenticate', 'drop')
    const term = await open(40, home, [], { PENSAR_API_URL: shortLived.url })
    expectFitAndWords(
      await term.waitFor('or type / for commands'),
      40,
      ['Your login is kept, but Pensar Console did not confirm it: Could not reach', '(the connection was closed before an answer came). Commands will try again.'],
      [`${shortLived.url}/user_management/authenticate`],
    )
    expect(term.screen()).not.toContain('verbose')
    term.press('C-c')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)

  test('a session the Console ended: the toast wraps inside its frame', async () => {
    const home = await expiredSession()
    await shortLived.control.revokeSessions(EMAIL)
    const term = await open(40, home, [], { PENSAR_API_URL: shortLived.url })
    expectFitAndWords(await term.waitFor('or type / for commands'), 40, ['▲ Your Pensar Console session has expired — run /login'])
    term.press('C-c')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)
})

describe.each(WIDTHS)('the commands people reach for at %i columns', (cols) => {
  let home: string

  beforeAll(async () => {
    home = (await loggedInHome(pc.url, { root, workspace: 'no-billing' })).home
  }, 60_000)

  async function run(args: string[]): Promise<string> {
    const term = await open(cols, home, args)
    expect(await term.exitCode()).toBe(0)
    return term.screen()
  }

  test('help and version', async () => {
    expectFitAndWords(await run(['login', '--help']), cols, [
      'Connect this computer to a Pensar Console workspace',
      'USAGE pensar login',
      'Log in with an API key read from stdin',
      'pensar login --with-api-key < key.txt',
      'Run `pensar login <command> --help` for more about a command.',
    ])
    expectFitAndWords(await run(['help', 'completion']), cols, ['pensar completion bash'])
  }, TIMEOUT)

  test('version: one line, printed whole to be copied into a bug report or parsed', async () => {
    const [line] = (await run(['version'])).split('\n__PENSAR_EXIT=')[0]!.split('\n').filter((row) => row.trim())
    expect(line).toMatch(/^pensar \S+ \(\S+, built \S+, \S+\)$/)
  }, TIMEOUT)

  test('workspace list and switch', async () => {
    expectFitAndWords(await run(['workspace', 'list']), cols, ['SLUG', 'BALANCE', 'BILLING', '* no-billing', 'low-balance', '$0.42 low balance', '$0.00 not set up'])
    // The balance is Acme's after the questions of the other widths.
    expectFitAndWords(await run(['workspace', 'switch', 'acme']), cols, ['Switched to workspace Acme (acme), balance $', 'Apex uses it from now on.'])
  }, TIMEOUT)

  test('open: the sentence fits; the address is printed whole, to be copied', async () => {
    const url = `${pc.url}/acme/settings/billing`
    const screen = await run(['open', 'billing'])
    expect(screen.split('\n').map((row) => row.trimEnd())).toContain(url)
    expectFitAndWords(screen.replace(url, ''), cols, ['Opened the billing page of Acme (acme) in your browser:'])
  }, TIMEOUT)

  test('ask and usage', async () => {
    expectFitAndWords(await run(['ask', 'What is SSRF?']), cols, ['You asked:', 'Answered by pensar-large for $0.01;'])
    expectFitAndWords(await run(['usage']), cols, ['Acme (acme): spend in the last 30 days', 'User', 'API key', 'Total'])
  }, TIMEOUT)
})
