// The compiled binary on a real terminal (tmux): the clack panel, the workspace select, the
// billing key, the connected screen (the interactive /login's, plus L and Enter) and Ctrl-C,
// against the local Console.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Terminal } from '../e2e/support/terminal'
import { UrlOpener } from '../e2e/support/opener'
import { startTestConsole, type TestConsole } from '../helpers/console'
import { pensarBinary } from '../helpers/pensar-binary'
import { untilProcessEnded } from '../helpers/wait-until'

const TIMEOUT = 90_000
const root = mkdtempSync(join(tmpdir(), 'pensar-tty-'))
let pc: TestConsole
let binary: string
let term: Terminal | undefined

beforeAll(async () => {
  binary = await pensarBinary()
  pc = await startTestConsole(['--interval', '0.2'])
}, 300_000)

afterEach(() => {
  term?.stop()
  term = undefined
})

afterAll(async () => {
  await pc?.stop()
  rmSync(root, { recursive: true, force: true })
})

function startLogin(home: string, opener: UrlOpener, extra: string[] = []) {
  return Terminal.start({
    command: [binary, 'login', '--api-url', pc.url, ...extra],
    env: { PATH: process.env.PATH, HOME: home, PENSAR_HOME: join(home, '.pensar'), BROWSER: opener.script, NO_PROXY: '127.0.0.1,localhost', TERM: 'xterm-256color' },
  })
}

async function readWhenWritten(path: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const text = existsSync(path) ? readFileSync(path, 'utf8').trim() : ''
    if (text) return text
    await Bun.sleep(50) // another process writes it
  }
  throw new Error(`${path} was never written`)
}

function cursorVisible(t: Terminal): boolean {
  return Bun.spawnSync(['tmux', '-S', t.socket, 'display-message', '-p', '-t', 'e2e', '#{cursor_flag}']).stdout.toString().trim() === '1'
}

/** Reads the spaced code off the screen (`B C D F - G H J K`) and approves it. */
async function approveShownCode(t: Terminal, email: string) {
  const screen = await t.waitFor(/([B-Z] ){4}- ([B-Z] ){3}[B-Z]/)
  const spaced = screen.match(/((?:[B-Z] ){4}- (?:[B-Z] ){3}[B-Z])/)![1]!
  await pc.control.approve(spaced.replaceAll(' ', ''), email)
}

describe('pensar login on a terminal', () => {
  test('code panel, browser opened, workspace select with balances, billing key B, then saved', async () => {
    const email = 'tty@pensar.local'
    await pc.control.createUser(email, { workspaces: [{ name: 'Acme', slug: 'acme', balance: 50, hasPaymentMethod: true }, { name: 'Low Balance', slug: 'low-tty', balance: 0.42, hasPaymentMethod: true }] })
    const home = mkdtempSync(join(root, 'home-'))
    const opener = new UrlOpener()
    term = await startLogin(home, opener)
    const screen = await term.waitFor('Log in to Pensar Console')
    expect(screen).toContain(`${pc.url}/device?user_code=`)
    expect(await opener.waitForUrl(1)).toStartWith(`${pc.url}/device?user_code=`)
    await approveShownCode(term, email)
    const select = await term.waitFor('Which workspace')
    expect(select).toContain('Acme (acme) — $50.00')
    expect(select).toContain('Low Balance (low-tty) — $0.42')
    term.press('Down')
    await term.waitFor(/● Low Balance/)
    term.press('Enter')
    await term.waitFor('Open the billing page now?')
    term.press('b')
    expect(await opener.waitForUrl(2)).toBe(`${pc.url}/low-tty/settings/billing`)
    await term.waitFor('Opened the billing page in your browser.') // B during login says so, as on the /login screen
    expect(await term.exitCode()).toBe(0)
    expect(term.screen()).toContain('Logged in as tty@pensar.local')
    const config = JSON.parse(readFileSync(join(home, '.pensar', 'config.json'), 'utf8'))
    expect(config.workspace.slug).toBe('low-tty')
    expect(statSync(join(home, '.pensar', 'auth.json')).mode & 0o777).toBe(0o600)
  }, TIMEOUT)

  test('Ctrl-C while waiting: "Login cancelled.", exit 130, nothing written', async () => {
    const home = mkdtempSync(join(root, 'home-'))
    const codeFile = join(home, 'exit-code')
    // Ctrl-C also reaches the helper's `sh` wrapper, which dies of it: bash (which outlives a child
    // that exits normally on SIGINT) records pensar's own exit code, and the pane stays readable.
    term = await Terminal.start({
      command: ['bash', '-c', `trap '' HUP; '${binary}' login --no-browser --api-url ${pc.url}; echo $? > '${codeFile}'`],
      env: { PATH: process.env.PATH, HOME: home, PENSAR_HOME: join(home, '.pensar'), NO_PROXY: '127.0.0.1,localhost', TERM: 'xterm-256color' },
    })
    Bun.spawnSync(['tmux', '-S', term.socket, 'set-option', '-g', 'remain-on-exit', 'on'])
    await term.waitFor('Waiting for approval')
    term.press('C-c')
    await term.waitFor('Login cancelled.')
    expect(await readWhenWritten(codeFile)).toBe('130')
    expect(existsSync(join(home, '.pensar', 'auth.json'))).toBe(false)
    expect(existsSync(join(home, '.pensar', 'config.json'))).toBe(false)
  }, TIMEOUT)

  test('Ctrl-C twice during the spinner: exit 130 at once, and the cursor is shown again', async () => {
    const home = mkdtempSync(join(root, 'home-'))
    term = await startLogin(home, new UrlOpener(), ['--no-browser'])
    await term.waitFor('Waiting for approval')
    expect(cursorVisible(term)).toBe(false) // the spinner hides it
    Bun.spawnSync(['tmux', '-S', term.socket, 'send-keys', '-t', 'e2e', 'C-c', 'C-c'])
    expect(await term.exitCode()).toBe(130)
    expect(cursorVisible(term)).toBe(true)
    expect(existsSync(join(home, '.pensar', 'auth.json'))).toBe(false)
  }, TIMEOUT)

  test('Ctrl-C at the workspace select: exit 130, nothing written, the approved session revoked', async () => {
    const email = 'quit@pensar.local'
    await pc.control.createUser(email, { workspaces: [{ name: 'One', slug: 'one-q' }, { name: 'Two', slug: 'two-q' }] })
    const before = (await pc.control.stats()).revocations
    const home = mkdtempSync(join(root, 'home-'))
    term = await startLogin(home, new UrlOpener(), ['--no-browser'])
    await approveShownCode(term, email)
    await term.waitFor('Which workspace')
    term.press('C-c')
    expect(await term.exitCode()).toBe(130)
    expect(term.screen()).toContain('Login cancelled.')
    expect(existsSync(join(home, '.pensar', 'auth.json'))).toBe(false)
    expect((await pc.control.stats()).revocations).toBe(before + 1)
  }, TIMEOUT)

  // A closed window or a dropped SSH connection: the terminal is gone (every read, write and mode
  // change fails with EIO) and SIGHUP arrives. clack's select gave the mode back inside its abort
  // listener, the EIO thrown there left the prompt unsettled, and the process spun at full CPU
  // for ever; the key prompt after it did the same through an 'error' event nobody listened to.
  test.each([
    ['the workspace select', 'Which workspace', [] as string[]],
    ['the billing key after it', 'Open the billing page now?', ['Down', 'Enter']],
  ])('the terminal goes away at %s: pensar exits, and nothing is written', async (_at, shown, keys) => {
    const email = `gone-${keys.length}@pensar.local`
    await pc.control.createUser(email, { workspaces: [{ name: 'Paid', slug: `paid-${keys.length}` }, { name: 'Unpaid', slug: `unpaid-${keys.length}`, balance: 0, hasPaymentMethod: false }] })
    const home = mkdtempSync(join(root, 'home-'))
    term = await startLogin(home, new UrlOpener(), ['--no-browser'])
    await approveShownCode(term, email)
    await term.waitFor('Which workspace')
    for (const key of keys) term.press(key)
    await term.waitFor(shown)
    const pid = term.programPid()
    term.stop()
    term = undefined
    await untilProcessEnded(pid, 'pensar to exit once its terminal went away')
    expect(existsSync(join(home, '.pensar', 'auth.json'))).toBe(false)
  }, TIMEOUT)

  test('already connected: the connected screen shows the connection and its keys, D disconnects', async () => {
    const email = 'again@pensar.local'
    await pc.control.createUser(email, { workspaces: [{ name: 'Solo', slug: 'solo-tty', balance: 12, hasPaymentMethod: true }] })
    const home = mkdtempSync(join(root, 'home-'))
    term = await startLogin(home, new UrlOpener(), ['--no-browser'])
    await approveShownCode(term, email)
    expect(await term.exitCode()).toBe(0)
    term.stop()
    term = await startLogin(home, new UrlOpener(), ['--no-browser'])
    const menu = await term.waitFor(/What next\?[\s\S]*Esc cancel/)
    expect(menu).toContain('again@pensar.local')
    expect(menu).toContain('Solo (solo-tty)')
    expect(menu).toContain('$12.00')
    expect(menu).toContain('Billing:   ready')
    expect(menu).toMatch(/S switch workspace · B open billing page · L log in again · D disconnect · Enter keep/)
    term.press('d')
    expect(await term.exitCode()).toBe(0)
    expect(term.screen()).toContain('Disconnected.')
    expect(existsSync(join(home, '.pensar', 'auth.json'))).toBe(false)
    expect((await pc.control.stats()).revocations).toBeGreaterThanOrEqual(1)
  }, TIMEOUT)

  test('an expired code is replaced by a fresh one with Enter', async () => {
    const short = await startTestConsole(['--interval', '0.2', '--device-ttl', '3'])
    try {
      const email = 'fresh@pensar.local'
      await short.control.createUser(email, { workspaces: [{ name: 'Fresh', slug: 'fresh', balance: 5, hasPaymentMethod: true }] })
      const home = mkdtempSync(join(root, 'home-'))
      term = await Terminal.start({
        command: [binary, 'login', '--no-browser', '--api-url', short.url],
        env: { PATH: process.env.PATH, HOME: home, PENSAR_HOME: join(home, '.pensar'), NO_PROXY: '127.0.0.1,localhost', TERM: 'xterm-256color' },
      })
      await term.waitFor('Get a fresh code?')
      term.press('Enter')
      await term.waitFor(/Enter new code[\s\S]*Log in to Pensar Console/)
      // The Console's lifetime is 3 s: approve the new code as soon as it is pending.
      const pending = await short.waitForPending()
      await short.control.approve(pending.user_code, email)
      expect(await term.exitCode()).toBe(0)
      expect(term.screen()).toContain('Logged in as fresh@pensar.local')
    } finally {
      await short.stop()
    }
  }, TIMEOUT)
})
