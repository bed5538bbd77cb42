// The commands people reach for, with the compiled binary against the local Console, without a
// terminal (scripts, CI) and on one (tmux): workspace list and switch, open, version, and an
// API-key login that says what a browser login says.
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Terminal } from '../e2e/support/terminal'
import { UrlOpener } from '../e2e/support/opener'
import { binarySuite } from '../helpers/binary-suite'
import { loggedInHome } from '../helpers/logged-in-home'
import { pensarBinary } from '../helpers/pensar-binary'
import { runPensar } from '../helpers/run-pensar'
import { untilProcessEnded } from '../helpers/wait-until'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-commands-int-')
const demoConsole = () => startConsole(['--interval', '0.2', '--seed', 'demo'])
let term: Terminal | undefined
let opener: UrlOpener | undefined
afterEach(() => {
  term?.stop()
  opener?.dispose()
  term = opener = undefined
})

async function pensar(home: string, args: string[], env: Record<string, string | undefined> = {}) {
  return (await runPensar(args, { home, env })).done(60_000)
}

/** `pensar login --with-api-key` with the key on stdin, as a script runs it (no terminal). */
async function loginWithKey(home: string, apiUrl: string, key: string, extra: string[] = []) {
  const proc = Bun.spawn([await pensarBinary(), 'login', '--with-api-key', '--api-url', apiUrl, ...extra], {
    env: { PATH: process.env.PATH!, HOME: home, PENSAR_HOME: join(home, '.pensar'), NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost' },
    stdin: new TextEncoder().encode(`${key}\n`),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  return { code, stdout, stderr }
}

const configOf = (home: string) => JSON.parse(readFileSync(join(home, '.pensar', 'config.json'), 'utf8'))

describe('pensar workspace, without a terminal', () => {
  test('list: the table on stdout with * on the workspace in use; --json the objects', async () => {
    const c = await demoConsole()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const listed = await pensar(h.home, ['workspace', 'list'])
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' })
    expect(listed.stdout).toBe(
      [
        '   SLUG         NAME         BALANCE  BILLING',
        '*  acme         Acme          $50.00  ready',
        '   low-balance  Low Balance    $0.42  low balance',
        '   no-billing   No Billing     $0.00  not set up',
        '',
      ].join('\n'),
    )
    const asJson = await pensar(h.home, ['workspace', 'list', '--json'])
    expect(asJson.code).toBe(0)
    const { workspaces } = JSON.parse(asJson.stdout)
    expect(workspaces.map((w: { slug: string; current: boolean; billingReady: boolean }) => [w.slug, w.current, w.billingReady])).toEqual([
      ['acme', true, true],
      ['low-balance', false, true],
      ['no-billing', false, false],
    ])
  }, TIMEOUT)

  test('switch <slug>: no device login, the new workspace stored, status agrees; its billing warning is said', async () => {
    const c = await demoConsole()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const grantsBefore = (await c.control.stats()).deviceGrants
    const switched = await pensar(h.home, ['workspace', 'switch', 'no-billing'])
    expect(switched.code).toBe(0)
    expect(switched.stderr).toContain('Switched to workspace No Billing (no-billing), balance $0.00.')
    expect(switched.stderr).toContain("Billing isn't set up for No Billing. Finish setup:")
    expect((await c.control.stats()).deviceGrants).toBe(grantsBefore)
    expect(configOf(h.home).workspace.slug).toBe('no-billing')
    const status = await pensar(h.home, ['status', '--json'])
    expect(JSON.parse(status.stdout)).toMatchObject({ loggedIn: true, workspace: { slug: 'no-billing' }, online: { ok: true, billingReady: false } })

    const events = (await pensar(h.home, ['workspace', 'switch', 'acme', '--json'])).events
    expect(events.map((e) => e.event)).toEqual(['workspace_selected', 'workspace_switched'])
    expect(events[1]).toMatchObject({ from: { slug: 'no-billing' }, workspace: { slug: 'acme' } })
  }, TIMEOUT)

  test('switch without a slug: exit 2 naming the slugs; an unknown slug: exit 2; nothing changed', async () => {
    const c = await demoConsole()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const before = readFileSync(join(h.pensarHome, 'config.json'), 'utf8')
    const bare = await pensar(h.home, ['workspace', 'switch'])
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('choose one with `pensar workspace switch <slug>`: acme, low-balance, no-billing.')
    const unknown = await pensar(h.home, ['workspace', 'switch', 'nope'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('No workspace "nope" among yours')
    expect(readFileSync(join(h.pensarHome, 'config.json'), 'utf8')).toBe(before)
  }, TIMEOUT)

  test('an API key lists its own workspace and cannot switch (exit 1, with why); not logged in is exit 4', async () => {
    const c = await demoConsole()
    const { apiKey } = await c.control.createApiKey('low-balance', 'demo@pensar.local')
    const home = mkdtempSync(join(root, 'key-'))
    expect((await loginWithKey(home, c.url, apiKey)).code).toBe(0)
    const listed = await pensar(home, ['workspace', 'list'])
    expect(listed.stdout.trimEnd().split('\n')).toEqual(['   SLUG         NAME         BALANCE  BILLING', '*  low-balance  Low Balance    $0.42  low balance'])
    const refused = await pensar(home, ['workspace', 'switch', 'acme'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('This computer is connected with an API key, which belongs to one workspace (Low Balance, low-balance).')
    expect(refused.stderr + refused.stdout).not.toContain(apiKey)
    const nobody = await pensar(mkdtempSync(join(root, 'nobody-')), ['workspace', 'list', '--api-url', c.url])
    expect(nobody.code).toBe(4)
  }, TIMEOUT)
})

describe('pensar open', () => {
  test("opens the workspace's page through BROWSER and prints its address; without a browser, prints it", async () => {
    const c = await demoConsole()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    opener = new UrlOpener()
    const opened = await pensar(h.home, ['open', 'billing'], { BROWSER: opener.script })
    expect(opened.code).toBe(0)
    expect(opened.stdout).toBe(`${c.url}/acme/settings/billing\n`)
    expect(opened.stderr).toContain('Opened the billing page of Acme (acme) in your browser:')
    expect(await opener.waitForUrl()).toBe(`${c.url}/acme/settings/billing`)
    const page = await fetch(`${c.url}/acme/settings/usage`, { redirect: 'manual' })
    expect([200, 302, 303]).toContain(page.status) // the address exists on the Console

    const nowhere = await pensar(h.home, ['open', 'api-keys'], { BROWSER: undefined, DISPLAY: undefined, WAYLAND_DISPLAY: undefined })
    expect(nowhere.code).toBe(0)
    expect(nowhere.stdout).toBe(`${c.url}/acme/settings/api-keys\n`)
    expect(nowhere.stderr).toContain('Could not open a browser')
    const quiet = await pensar(h.home, ['open', 'usage', '--no-browser'], { BROWSER: opener.script })
    expect({ stdout: quiet.stdout, stderr: quiet.stderr }).toEqual({ stdout: `${c.url}/acme/settings/usage\n`, stderr: '' })
    expect(opener.opened()).toHaveLength(1)
  }, TIMEOUT)
})

describe('pensar version and help', () => {
  test('`pensar version` answers as --version; `pensar help auth status` as `pensar auth status --help`', async () => {
    const home = mkdtempSync(join(root, 'plain-'))
    expect((await pensar(home, ['version'])).stdout).toBe((await pensar(home, ['--version'])).stdout)
    expect(JSON.parse((await pensar(home, ['version', '--json'])).stdout)).toEqual(JSON.parse((await pensar(home, ['--version', '--json'])).stdout))
    const help = await pensar(home, ['help', 'auth', 'status'])
    expect(help.stdout).toBe((await pensar(home, ['auth', 'status', '--help'])).stdout)
    expect(help.stdout).toContain('USAGE pensar auth status [OPTIONS]')
  }, TIMEOUT)
})

describe('login --with-api-key is a login', () => {
  test('--json: workspace_selected, the low-balance warning with the billing page, logged_in', async () => {
    const c = await demoConsole()
    const { apiKey } = await c.control.createApiKey('low-balance', 'demo@pensar.local')
    const home = mkdtempSync(join(root, 'key-json-'))
    const result = await loginWithKey(home, c.url, apiKey, ['--json'])
    expect(result.code).toBe(0)
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line))
    expect(events.map((e) => e.event)).toEqual(['workspace_selected', 'warning', 'logged_in'])
    expect(events[1]).toMatchObject({ code: 'low_balance', url: `${c.url}/low-balance/settings/billing` })
    expect(events[2]).toMatchObject({ authType: 'api-key', workspace: { slug: 'low-balance' }, billing: { balance: 0.42 } })
    expect(result.stdout + result.stderr).not.toContain(apiKey)
    expect(configOf(home).consoleUrl).toBe(c.url)
  }, TIMEOUT)

  test('on a terminal, the key piped in: the billing warning offers B, which opens the billing page', async () => {
    const c = await demoConsole()
    const { apiKey } = await c.control.createApiKey('no-billing', 'demo@pensar.local')
    const home = mkdtempSync(join(root, 'key-tty-'))
    const keyFile = join(home, 'key.txt')
    writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 })
    opener = new UrlOpener()
    term = await Terminal.start({
      command: ['sh', '-c', `exec "$0" login --with-api-key --api-url "$1" < "$2"`, await pensarBinary(), c.url, keyFile],
      env: { PATH: process.env.PATH, HOME: home, PENSAR_HOME: join(home, '.pensar'), BROWSER: opener.script, NO_PROXY: '127.0.0.1,localhost', TERM: 'xterm-256color' },
    })
    await term.waitFor('B open billing page · Enter continue')
    expect(term.screen()).toContain("Billing isn't set up for No Billing")
    term.press('b')
    expect(await opener.waitForUrl()).toBe(`${c.url}/no-billing/settings/billing`)
    await term.waitFor('Logged in as demo@pensar.local with an API key. Apex will use workspace No Billing (no-billing)')
    expect(await term.exitCode()).toBe(0)
    expect(term.screen()).not.toContain(apiKey)
  }, TIMEOUT)
})

describe('pensar workspace switch on a terminal', () => {
  test('without a slug: the arrow-key list, the current one preselected', async () => {
    const c = await demoConsole()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    term = await Terminal.start({
      command: [await pensarBinary(), 'workspace', 'switch'],
      env: { PATH: process.env.PATH, HOME: h.home, PENSAR_HOME: h.pensarHome, NO_PROXY: '127.0.0.1,localhost', TERM: 'xterm-256color' },
    })
    await term.waitFor(/● Acme \(acme\)/)
    term.press('Down')
    await term.waitFor(/● Low Balance/)
    term.press('Enter')
    await term.waitFor('B open billing page · Enter continue')
    term.press('Enter')
    await term.waitFor('Switched to workspace Low Balance (low-balance)')
    expect(await term.exitCode()).toBe(0)
    expect(h.config().workspace.slug).toBe('low-balance')
  }, TIMEOUT)

  test('the terminal closing at the billing question (SIGHUP): pensar ends, nothing is left running, the stored workspace unchanged', async () => {
    const c = await demoConsole()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const pidFile = join(h.home, 'pensar.pid')
    term = await Terminal.start({
      // exec: the pid written is pensar's own.
      command: ['sh', '-c', 'echo $$ > "$0"; exec "$1" workspace switch low-balance', pidFile, await pensarBinary()],
      env: { PATH: process.env.PATH, HOME: h.home, PENSAR_HOME: h.pensarHome, NO_PROXY: '127.0.0.1,localhost', TERM: 'xterm-256color' },
    })
    await term.waitFor('B open billing page · Enter continue')
    const pid = Number(readFileSync(pidFile, 'utf8'))
    term.stop() // the window closes: the terminal hangs up
    term = undefined
    // It used to spin at full CPU, its prompt neither answered nor cancelled.
    await untilProcessEnded(pid, `pensar (pid ${pid}) to end after its terminal closed`)
    expect(h.config().workspace.slug).toBe('acme')
  }, TIMEOUT)
})
