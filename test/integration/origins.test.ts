// A session's secrets go only to the hosts that session was made with, tested with the compiled
// binary: a proxy listener stands in for every other host (the default API, a gateway on the
// open network), and must see nothing, whatever config.json says or lacks. The API address a
// person gives must be an http(s) URL without credentials, query or fragment.
import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Socket, TCPSocketListener } from 'bun'
import { binarySuite } from '../helpers/binary-suite'
import { loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-origins-')

/** A proxy that answers nothing and remembers every request line it was sent (CONNECT host:443, GET http://…). */
function proxyListener() {
  const seen: string[] = []
  const listener: TCPSocketListener = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      data(socket: Socket, data: Buffer) {
        seen.push(data.toString('latin1').split('\r\n')[0]!)
        socket.end()
      },
    },
  })
  const url = `http://127.0.0.1:${listener.port}`
  return { seen, env: { HTTPS_PROXY: url, https_proxy: url, HTTP_PROXY: url, http_proxy: url }, stop: () => listener.stop(true) }
}
const proxy = proxyListener()
afterAll(() => proxy.stop())

async function session(): Promise<LoggedInHome & { url: string }> {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
  return { ...(await loggedInHome(c.url, { root, workspace: 'acme' })), url: c.url }
}

const pensar = async (args: string[], home: string, env: Record<string, string> = {}) => (await runPensar(args, { home, env: { ...proxy.env, ...env } })).done(60_000)

function writeAuth(h: LoggedInHome, auth: Record<string, unknown>) {
  writeFileSync(join(h.pensarHome, 'auth.json'), JSON.stringify(auth), { mode: 0o600 })
}

describe('config.json missing or damaged, auth.json valid', () => {
  test('a session saved before auth.json carried its address: exit 4 with what to do, and nothing sent anywhere', async () => {
    const h = await session()
    const { apiUrl: _api, gatewayUrl: _gateway, ...older } = h.auth()
    writeAuth(h, older)
    rmSync(join(h.pensarHome, 'config.json'))
    const seenBefore = proxy.seen.length
    for (const args of [['status'], ['status', '--offline'], ['status', '--json']]) {
      const result = await pensar(args, h.home)
      expect(result.code).toBe(4)
      expect(result.stderr).toContain('pensar cannot tell which Pensar Console the stored session belongs to')
      expect(result.stderr).toContain('Nothing was sent.')
      expect(result.stderr).toContain('Run `pensar login`')
      expect(result.stdout).not.toContain('"loggedIn":true')
    }
    writeFileSync(join(h.pensarHome, 'config.json'), '{ damaged')
    expect((await pensar(['status'], h.home)).code).toBe(4)
    expect(proxy.seen.slice(seenBefore)).toEqual([])
  }, TIMEOUT)

  test('a session that carries its address in auth.json keeps working with its own Console, and nothing else is contacted', async () => {
    const h = await session()
    rmSync(join(h.pensarHome, 'config.json'))
    const seenBefore = proxy.seen.length
    const result = await pensar(['status', '--json'], h.home)
    expect(result.code).toBe(0)
    // Without config.json the workspace is unknown, so the gateway check cannot pass; it still went only to the session's Console.
    expect(JSON.parse(result.stdout)).toMatchObject({ loggedIn: true, apiUrl: h.url, workspace: null })
    expect(proxy.seen.slice(seenBefore)).toEqual([])
  }, TIMEOUT)

  test('an apiUrl in config.json that is not the session\'s own is not followed', async () => {
    const h = await session()
    writeFileSync(join(h.pensarHome, 'config.json'), JSON.stringify({ ...h.config(), apiUrl: 'https://api.console.pensar.dev', gatewayUrl: 'https://api.console.pensar.dev' }))
    const seenBefore = proxy.seen.length
    const result = await pensar(['status', '--json'], h.home)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ apiUrl: h.url, online: { ok: true } })
    expect(proxy.seen.slice(seenBefore)).toEqual([])
  }, TIMEOUT)
})

test('--api-url naming another Console: the stored session is not sent there (exit 4, how to log in there)', async () => {
  const h = await session()
  const seenBefore = proxy.seen.length
  const result = await pensar(['status', '--api-url', 'https://api.console.pensar.dev'], h.home)
  expect(result.code).toBe(4)
  expect(result.stderr).toContain(`Not logged in to https://api.console.pensar.dev: the stored session belongs to ${h.url}.`)
  expect(proxy.seen.slice(seenBefore)).toEqual([])
}, TIMEOUT)

test('a gatewayUrl in plain http to another host is never sent the token: status says why, naming the field', async () => {
  const h = await session()
  writeAuth(h, { ...h.auth(), gatewayUrl: 'http://gateway.example.test' })
  writeFileSync(join(h.pensarHome, 'config.json'), JSON.stringify({ ...h.config(), gatewayUrl: 'http://gateway.example.test' }))
  const seenBefore = proxy.seen.length
  const result = await pensar(['status'], h.home)
  // The report (stdout) says the session was not verified and why, and its verdict what to do.
  expect(result.stdout).toContain('Online:      not verified: The gateway address stored for this session (gatewayUrl "http://gateway.example.test") is unsafe')
  expect(result.stdout).toContain('Nothing was sent to it\n')
  expect(result.stdout).toContain("Your login is kept. Run `pensar login` to get the workspace's gateway address from Pensar Console again.")
  expect(proxy.seen.slice(seenBefore)).toEqual([])
}, TIMEOUT)

describe('the API address a person gives', () => {
  test.each([
    ['credentials', 'http://user:hunter2@127.0.0.1:9', 'it holds a user name or password'],
    ['a query', 'https://api.example.test/?tenant=x', 'it has a query'],
    ['a fragment', 'https://api.example.test/#x', 'it has a fragment'],
    ['a file: URL', 'file:///etc/passwd', 'file: is not http: or https:'],
    ['javascript:', 'javascript:alert(1)', 'javascript: is not http: or https:'],
    ['garbage', 'not a url at all', 'it is not a URL'],
  ])('%s: exit 2 "Invalid API URL", from PENSAR_API_URL or --api-url, the password never shown', async (_what, value, problem) => {
    const home = join(root, 'no-session')
    for (const [args, env] of [[['status', '--json'], { PENSAR_API_URL: value }], [['login', '--json', '--api-url', value], {}]] as const) {
      const result = await pensar([...args], home, env)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('Invalid API URL in')
      expect(result.stderr).toContain(problem)
      expect(result.stdout + result.stderr).not.toContain('hunter2')
      expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ event: 'error', code: 'invalid_api_url' })
    }
  }, TIMEOUT)

  test('spaces and a trailing slash are trimmed, and the address is stored that way', async () => {
    const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
    const home = join(root, 'spaced')
    const login = await runPensar(['login', '--json', '--no-browser', '--workspace', 'acme'], { home, env: { PENSAR_API_URL: `  ${c.url}/ ` } })
    const code = await login.waitForEvent('device_code')
    await c.control.approve(String(code.user_code), 'demo@pensar.local')
    const done = await login.done(30_000)
    expect(done.code).toBe(0)
    expect(done.events.at(-1)).toMatchObject({ event: 'logged_in', apiUrl: c.url })
    const stored = (name: string) => JSON.parse(readFileSync(join(home, '.pensar', name), 'utf8'))
    expect(stored('config.json').apiUrl).toBe(c.url)
    expect(stored('auth.json').apiUrl).toBe(c.url)
  }, TIMEOUT)
})
