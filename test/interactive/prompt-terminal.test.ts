// The interactive prompt of the COMPILED binary in a real terminal (tmux), against the local
// Console on port 0: connect through /login (approved through the control API), /status, switch
// workspace with S and the arrow keys, billing with B, disconnect with D, Esc out of a pending
// login, /doctor (cancelled, then failing), the startup toast after the Console revoked the
// session, and the terminal closing under the prompt.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UrlOpener } from '../e2e/support/opener'
import { Terminal } from '../e2e/support/terminal'
import { startTestConsole } from '../helpers/console'
import { pensarBinary } from '../helpers/pensar-binary'
import { killAllPensar, runPensar } from '../helpers/run-pensar'
import { untilProcessEnded } from '../helpers/wait-until'

const EMAIL = 'demo@pensar.local'
/** The hint line under an empty prompt. */
const PROMPT_HINT = 'Ask a question, or type / for commands · Tab complete · Ctrl-C leave'
const TIMEOUT = 60_000

type TestConsole = Awaited<ReturnType<typeof startTestConsole>>

let binary: string
let consoleServer: TestConsole
const cleanups: (() => void | Promise<void>)[] = []

beforeAll(async () => {
  binary = await pensarBinary()
  consoleServer = await startTestConsole(['--seed', 'demo', '--interval', '0.2'])
  cleanups.push(() => consoleServer.stop())
}, 300_000)

afterAll(async () => {
  killAllPensar()
  for (const cleanup of cleanups.reverse()) await cleanup()
})

function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'pensar-prompt-'))
  cleanups.push(() => rmSync(home, { recursive: true, force: true }))
  return home
}

const pensarHome = (home: string) => join(home, '.pensar')
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>

async function openPrompt(home: string, apiUrl: string, opener: UrlOpener): Promise<Terminal> {
  const term = await Terminal.start({
    command: [binary],
    env: {
      PATH: process.env.PATH, HOME: home, PENSAR_HOME: pensarHome(home), PENSAR_API_URL: apiUrl, BROWSER: opener.script,
      NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', NO_COLOR: '1', TERM: 'xterm-256color',
    },
  })
  cleanups.push(() => term.stop())
  await term.waitFor(PROMPT_HINT)
  return term
}

/** Clears the screen (Ctrl-L), so what the test waits for next can only be new output. */
async function run(term: Terminal, line: string) {
  term.press('C-l')
  term.type(line)
  await term.waitFor(`› ${line}`)
  term.press('Enter')
}

/** /login when not connected: the code is opened in the "browser", the Console approves it. */
async function connectThroughLogin(term: Terminal, opener: UrlOpener, nth: number) {
  await run(term, '/login')
  const url = new URL(await opener.waitForUrl(nth))
  const userCode = url.searchParams.get('user_code')!
  await term.waitFor(userCode.split('').join(' '))
  await consoleServer.control.approve(userCode, EMAIL)
  await term.waitFor('Which workspace should Apex use?')
  term.press('Enter') // Acme: the first, by name
  await term.waitFor('Logged in as demo@pensar.local')
  await term.waitFor(PROMPT_HINT)
}

describe('the interactive prompt in a terminal', () => {
  test('connect with /login, /status, switch with S and ↓, billing with B, disconnect with D, /exit', async () => {
    const home = tempHome()
    const opener = new UrlOpener()
    cleanups.push(() => opener.dispose())
    const term = await openPrompt(home, consoleServer.url, opener)

    await connectThroughLogin(term, opener, 1)
    expect(readJson(join(pensarHome(home), 'config.json')).workspace.slug).toBe('acme')
    expect(readJson(join(pensarHome(home), 'auth.json')).refreshToken).toBeString()

    await run(term, '/status')
    await term.waitFor('Balance:     $50.00')

    await run(term, '/login')
    // The box and the key legend are drawn in two writes: wait for both.
    const screen = await term.waitFor(/Billing: {3}ready[\s\S]*Esc back/)
    expect(screen).toContain('Workspace: Acme (acme)')
    expect(screen).toContain('Balance:   $50.00')
    expect(screen).toContain('User:      demo@pensar.local')
    expect(screen).toMatch(/S switch workspace · B open billing page · D disconnect · Esc back/)

    term.press('s')
    await term.waitFor('Which workspace should Apex use?')
    term.press('Down') // from Acme (the current one) to Low Balance
    await term.waitFor(/● Low Balance/)
    term.press('Enter')
    await term.waitFor('Open the billing page now?')
    term.press('Enter')
    await term.waitFor('Switched to workspace Low Balance (low-balance), balance $0.42.')
    await term.waitFor(PROMPT_HINT)
    expect(readJson(join(pensarHome(home), 'config.json')).workspace.slug).toBe('low-balance')

    await run(term, '/login')
    await term.waitFor('Billing:   low balance — press B to open the billing page')
    term.press('b')
    expect(await opener.waitForUrl(2)).toEndWith('/low-balance/settings/billing')
    term.press('d')
    await term.waitFor('Disconnected.')
    await term.waitFor(PROMPT_HINT)
    expect(existsSync(join(pensarHome(home), 'auth.json'))).toBe(false)
    expect(readJson(join(pensarHome(home), 'config.json')).workspace).toBeUndefined()

    await run(term, '/exit')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)

  test('Esc, and Ctrl-C, out of a pending login go back to the prompt with nothing on disk; Tab completes; Ctrl-C leaves with 0', async () => {
    const home = tempHome()
    const opener = new UrlOpener()
    cleanups.push(() => opener.dispose())
    const term = await openPrompt(home, consoleServer.url, opener)

    await run(term, '/login')
    const userCode = new URL(await opener.waitForUrl(1)).searchParams.get('user_code')!
    await term.waitFor(userCode.split('').join(' '))
    term.press('Escape')
    await term.waitFor('Login cancelled. Nothing was changed.')
    await term.waitFor(PROMPT_HINT)
    const files = existsSync(pensarHome(home)) ? readdirSync(pensarHome(home)) : []
    expect(files.filter((f) => f === 'auth.json' || f === 'config.json')).toEqual([])

    await run(term, '/login')
    const second = new URL(await opener.waitForUrl(2)).searchParams.get('user_code')!
    await term.waitFor(second.split('').join(' '))
    term.press('C-c')
    await term.waitFor('Login cancelled. Nothing was changed.')
    await term.waitFor(PROMPT_HINT)
    expect(existsSync(join(pensarHome(home), 'auth.json'))).toBe(false)

    term.press('C-l')
    term.type('/st')
    await term.waitFor('/status — Show the connection')
    term.press('Tab')
    await term.waitFor('› /status ')
    term.press('Enter')
    await term.waitFor('Not logged in to Pensar Console.')

    await run(term, '/nonsense')
    await term.waitFor('Unknown command /nonsense: /help lists the commands.')
    term.press('C-c')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)
})

describe('Esc at the prompt', () => {
  // How fast a person types the next key after Esc: slower than a terminal's escape sequence
  // (sent in one write), faster than Node's 500 ms wait to tell Esc from Alt+key. This pause is
  // the input under test, not a wait for the program.
  const QUICK_KEY_AFTER_ESC_MS = 150

  test('Esc clears the line at once: a key typed 0.15 s later is kept (`/exit` stays `/exit`)', async () => {
    const home = tempHome()
    const opener = new UrlOpener()
    cleanups.push(() => opener.dispose())
    const term = await openPrompt(home, consoleServer.url, opener)

    term.type('/stat')
    await term.waitFor('› /stat')
    term.press('Escape')
    await Bun.sleep(QUICK_KEY_AFTER_ESC_MS)
    term.type('/exit')
    await term.waitFor('› /exit')
    term.press('Enter')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)
})

describe('/doctor in a terminal', () => {
  test('Esc while it waits for the Console cancels it; a failed check is a report and the prompt stays', async () => {
    // An API that takes the request and never answers, so the check is still waiting when Esc comes.
    let requested!: () => void
    const request = new Promise<void>((resolve) => (requested = resolve))
    const silent = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data: () => requested() } })
    cleanups.push(() => silent.stop(true))
    const apiUrl = `http://127.0.0.1:${silent.port}`
    const opener = new UrlOpener()
    cleanups.push(() => opener.dispose())
    const term = await openPrompt(tempHome(), apiUrl, opener)

    await run(term, '/doctor')
    await request
    term.press('Escape')
    await term.waitFor('Cancelled. Nothing was changed.')
    await term.waitFor(PROMPT_HINT)
    expect(term.screen()).not.toContain('What a login needs')

    silent.stop(true) // now nothing listens there: the API check fails at once
    await run(term, '/doctor')
    const report = await term.waitFor('a login would not work until that is fixed.')
    expect(report).toContain(`Console: ${apiUrl}`)
    expect(report).toContain('✓ PENSAR_HOME:')
    expect(report).toMatch(/✗ API \(failed\): Could not reach/)
    await term.waitFor(PROMPT_HINT)

    await run(term, '/exit')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)
})

describe('the startup session check', () => {
  let shortLived: TestConsole

  beforeAll(async () => {
    shortLived = await startTestConsole(['--seed', 'demo', '--interval', '0.2', '--access-ttl', '3'])
    cleanups.push(() => shortLived.stop())
  }, 60_000)

  /** `pensar login` without a terminal, approved through the control API; returns auth.json. */
  async function loginHeadless(home: string) {
    const login = await runPensar(['login', '--workspace', 'acme', '--no-browser', '--json'], { home, env: { PENSAR_API_URL: shortLived.url } })
    const code = await login.waitForEvent('device_code')
    await shortLived.control.approve(String(code.user_code), EMAIL)
    const { code: exitCode, stderr } = await login.done()
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: expect.any(String) })
    return readJson(join(pensarHome(home), 'auth.json'))
  }

  /** Polls until the 3-second access token has expired (no guessing with a sleep). A shorter life
   * failed the login itself on a loaded machine: the token expired before the workspace step. */
  async function untilExpired(auth: Record<string, any>) {
    const deadline = Date.now() + 20_000
    while (Date.now() <= auth.expiresAt) {
      if (Date.now() > deadline) throw new Error('the access token never expired')
      await Bun.sleep(50)
    }
  }

  test('a session the Console revoked: the toast "Your Pensar Console session has expired — run /login"', async () => {
    const home = tempHome()
    const opener = new UrlOpener()
    cleanups.push(() => opener.dispose())
    const auth = await loginHeadless(home)
    await shortLived.control.revokeSessions(EMAIL)
    await untilExpired(auth)

    const term = await openPrompt(home, shortLived.url, opener)
    await term.waitFor('Your Pensar Console session has expired — run /login')
    expect(readJson(join(pensarHome(home), 'auth.json')).refreshToken).toBeUndefined()
    term.press('C-c')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)

  test('an expired access token with a valid refresh token: restored silently, no notice', async () => {
    const home = tempHome()
    const opener = new UrlOpener()
    cleanups.push(() => opener.dispose())
    const auth = await loginHeadless(home)
    await untilExpired(auth)

    const term = await openPrompt(home, shortLived.url, opener)
    // The check runs before the prompt is drawn, so by now anything it had to say is on screen.
    expect(term.screen()).not.toContain('expired')
    expect(term.screen()).not.toContain('did not confirm')
    expect(readJson(join(pensarHome(home), 'auth.json')).refreshToken).not.toBe(auth.refreshToken)
    term.press('C-c')
    expect(await term.exitCode()).toBe(0)
  }, TIMEOUT)

  test('the terminal closing (SIGHUP) ends the prompt: nothing is left running', async () => {
    const home = tempHome()
    const pidFile = join(home, 'pensar.pid')
    const term = await Terminal.start({
      // exec: the pid written is pensar's own.
      command: ['sh', '-c', 'echo $$ > "$0"; exec "$1"', pidFile, binary],
      env: { PATH: process.env.PATH, HOME: home, PENSAR_HOME: pensarHome(home), PENSAR_API_URL: consoleServer.url, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', NO_COLOR: '1', TERM: 'xterm-256color' },
    })
    await term.waitFor(PROMPT_HINT)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    term.stop()
    await untilProcessEnded(pid, `the prompt (pid ${pid}) to end after its terminal closed`)
  }, TIMEOUT)
})
