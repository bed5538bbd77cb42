// Odd settings and odd files, with the compiled binary: each gets a clear answer instead of a
// late failure, a wrong value on screen, or a cost out of proportion.
import { describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binarySuite } from '../helpers/binary-suite'
import { loggedInHome } from '../helpers/logged-in-home'
import { pensarBinary } from '../helpers/pensar-binary'
import { runPensar } from '../helpers/run-pensar'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-odd-settings-')

const pensar = async (args: string[], home: string, env: Record<string, string> = {}) => (await runPensar(args, { home, env })).done(60_000)

async function session() {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
  return { c, h: await loggedInHome(c.url, { root, workspace: 'acme' }) }
}

describe('the command line', () => {
  test('--workspace= (an empty shell variable) is a usage error before anything is sent', async () => {
    const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
    for (const args of [['--workspace='], ['--workspace', '']]) {
      const result = await pensar(['login', '--no-browser', '--api-url', c.url, ...args], mkdtempSync(join(root, 'home-')))
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('--workspace needs a value')
    }
    expect(Object.keys((await c.control.stats()).requests).filter((route) => !route.includes('/_console/'))).toEqual([])
  }, TIMEOUT)

  test('`pensar -- status`: says that -- ends the options, instead of suggesting what was typed', async () => {
    const result = await pensar(['--', 'status'], mkdtempSync(join(root, 'home-')))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('`status` comes after `--`, which ends the options')
    expect(result.stderr).not.toContain('Did you mean')
  }, TIMEOUT)

  test('a 100 KB unknown flag is quoted short', async () => {
    const flag = `--${'x'.repeat(100_000)}`
    const result = await pensar(['status', flag], mkdtempSync(join(root, 'home-')))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('Unknown option --xxx')
    expect(result.stderr).toContain('(100002 characters)')
    expect(result.stderr.length).toBeLessThan(1_000)
  }, TIMEOUT)
})

describe('PENSAR_HOME', () => {
  test("'~/x' (quoted, so the shell left it) is the x folder of HOME, not ./~/x", async () => {
    const { h } = await session()
    const home = mkdtempSync(join(root, 'home-'))
    mkdirSync(join(home, 'elsewhere'))
    writeFileSync(join(home, 'elsewhere', 'config.json'), JSON.stringify(h.config()))
    writeFileSync(join(home, 'elsewhere', 'auth.json'), JSON.stringify(h.auth()), { mode: 0o600 })
    const cwd = mkdtempSync(join(root, 'cwd-'))
    const run = Bun.spawnSync([await pensarBinary(), 'status', '--offline', '--json'], { cwd, env: { PATH: process.env.PATH!, HOME: home, PENSAR_HOME: '~/elsewhere', NO_COLOR: '1' } })
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout.toString())).toMatchObject({ loggedIn: true, credentialStore: join(home, 'elsewhere', 'auth.json') })
    expect(readdirSync(cwd)).toEqual([])
  }, TIMEOUT)
})

describe('config.json and auth.json as others may leave them', () => {
  test('wrong-typed fields never reach the output: status --json has null, the box "unknown", and a warning names the field', async () => {
    const { h } = await session()
    writeFileSync(join(h.pensarHome, 'config.json'), JSON.stringify({ ...h.config(), user: 'bob', workspace: { id: 1, name: ['x'] } }))
    const json = await pensar(['status', '--offline', '--json'], h.home)
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ user: null, workspace: null })
    expect(json.stderr).toContain('`user` should be an object with string `id` and `email`; ignoring it')
    const plain = await pensar(['status', '--offline'], h.home)
    expect(plain.stdout).toContain('User:        unknown')
    expect(plain.stdout + plain.stderr).not.toContain('[object Object]')
  }, TIMEOUT)

  test('[] and null are "not an object", not "not valid JSON"', async () => {
    const home = mkdtempSync(join(root, 'home-'))
    mkdirSync(join(home, '.pensar'), { mode: 0o700 })
    writeFileSync(join(home, '.pensar', 'config.json'), '[]')
    writeFileSync(join(home, '.pensar', 'auth.json'), 'null')
    const result = await pensar(['status', '--offline'], home)
    expect(result.stderr).toContain('config.json could not be read (a JSON array, not an object)')
    expect(result.stderr).toContain('auth.json could not be read (JSON null, not an object)')
    expect(result.stderr).not.toContain('not valid JSON')
  }, TIMEOUT)

  test('a 50 MB config.json is set aside unread: a few MB of memory, not hundreds', async () => {
    const home = mkdtempSync(join(root, 'home-'))
    mkdirSync(join(home, '.pensar'), { mode: 0o700 })
    writeFileSync(join(home, '.pensar', 'config.json'), `{"pad":"${'x'.repeat(50 * 1024 * 1024)}"}`)
    const run = Bun.spawnSync(['/usr/bin/time', '-f', '%M', await pensarBinary(), 'status', '--offline'], { env: { PATH: process.env.PATH!, HOME: home, PENSAR_HOME: join(home, '.pensar'), NO_COLOR: '1' } })
    const stderr = run.stderr.toString()
    expect(stderr).toContain('config.json could not be read (it is larger than 1 MiB)')
    const peakKb = Number(stderr.trim().split('\n').at(-1))
    expect(peakKb).toBeLessThan(100 * 1024)
  }, TIMEOUT)

  test('bytes that are not UTF-8 in an unknown field: the session works, and the first rewrite keeps the original beside it', async () => {
    const { h } = await session()
    const path = join(h.pensarHome, 'auth.json')
    const text = JSON.stringify({ ...h.auth(), accessToken: 'a-token-the-console-does-not-know', otherTool: 'caf__' })
    const original = Buffer.from(text.replace('caf__', 'caf\u00e9'), 'latin1') // é as one ISO-8859-1 byte
    writeFileSync(path, original, { mode: 0o600 })
    const result = await pensar(['status', '--json'], h.home) // renews: auth.json is rewritten
    expect(result.code).toBe(0)
    const kept = readdirSync(h.pensarHome).find((name) => name.startsWith('auth.json.not-utf8-'))!
    expect(readFileSync(join(h.pensarHome, kept))).toEqual(original)
    expect(result.stderr).toContain(`the original is kept as ${join(h.pensarHome, kept)}`)
  }, TIMEOUT)
})
