// `pensar status` tells the truth, with the compiled binary against the local Console and its
// faults: the report on stdout (`pensar status | grep Workspace` works), the heading and every line
// agreeing with what was checked and where: a failed renewal, an answer of 500, a dropped
// connection, `--api-url` naming another Console, PENSAR_API_KEY over a stored browser session.
import { describe, expect, test } from 'bun:test'
import { binarySuite } from '../helpers/binary-suite'
import { loggedInHome } from '../helpers/logged-in-home'
import { runPensar } from '../helpers/run-pensar'
import { untilJwtExpired } from '../helpers/wait-until'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-status-truth-')

async function status(home: string, args: string[] = [], env: Record<string, string> = {}) {
  return (await runPensar(['status', ...args], { home, env })).done(60_000)
}

/** Nothing a runtime says to its programmers, no nested causes, no stutter. */
function expectOurWords(text: string) {
  expect(text).not.toMatch(/verbose: true|Is the computer able|\.\)\.|\)\.\)/)
}

describe('pensar status (compiled) tells the truth', () => {
  test('connected: the report on stdout, nothing on stderr; then a renewal answered 503 reads "not verified" and says what to do', async () => {
    const c = await startConsole(['--interval', '0.2', '--seed', 'demo', '--access-ttl', '2'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const ok = await status(h.home)
    expect(ok.code).toBe(0)
    expect(ok.stderr).toBe('')
    expect(ok.stdout.split('\n').filter((l) => l.includes('Workspace'))).toEqual(['  Workspace:   Acme (acme)'])
    expect(ok.stdout).toStartWith('Connected to Pensar Console\n')

    await untilJwtExpired(h.auth().accessToken)
    await c.control.fault('POST /user_management/authenticate', '503', { retryAfter: 0 })
    const failed = await status(h.home)
    expect(failed.code).toBe(0) // the login is kept
    expect(failed.stdout).toBe(
      [
        'Logged in, not verified',
        '  Auth:        WorkOS (browser login)',
        `  User:        ${h.email}`,
        '  Workspace:   Acme (acme)',
        `  Console:     ${c.url}`,
        `  Credentials: ${h.pensarHome}/auth.json`,
        '  Token:       expired; renewing it failed',
        `  Online:      not verified: ${c.url}/user_management/authenticate answered 503 (temporarily_unavailable: Injected fault: try again later)`,
        'Your login is kept. Pensar Console had a problem. Try again in a minute.',
        '',
      ].join('\n'),
    )
    expect(failed.stderr).toBe('')
    const again = await status(h.home, ['--json'])
    expect(JSON.parse(again.stdout)).toMatchObject({ loggedIn: true, online: { ok: true } }) // the fault was used up
  }, TIMEOUT)

  test('an answer of 500 says its status; a dropped connection says "Could not reach", in our words', async () => {
    const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    await c.control.fault('GET /gateway/validate', '500', { count: 2 })
    const answered = await status(h.home)
    expect(answered.stdout).toContain(`Online:      not verified: ${c.url}/gateway/validate answered 500 (server_error: Injected fault: internal error)\n`)
    expect(answered.stdout).not.toContain('Could not reach')
    expectOurWords(answered.stdout + answered.stderr)
    await c.control.fault('GET /gateway/validate', 'drop', { count: 2 })
    const dropped = await status(h.home)
    expect(dropped.stdout).toContain(`Online:      not verified: Could not reach ${c.url}/gateway/validate (the connection was closed before an answer came)\n`)
    expectOurWords(dropped.stdout + dropped.stderr)
  }, TIMEOUT)

  test('--api-url naming another Console: says the session belongs to the stored one, checks neither, exit 4', async () => {
    const stored = await startConsole(['--interval', '0.2', '--seed', 'demo'])
    const other = await startConsole(['--interval', '0.2', '--seed', 'demo'])
    const h = await loggedInHome(stored.url, { root, workspace: 'acme' })
    await stored.control.resetStats()
    const run = await status(h.home, ['--api-url', other.url])
    expect(run.code).toBe(4)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      `Last connection: ${h.email}, Acme (acme) at ${stored.url}\n` +
        `Error: Not logged in to ${other.url}: the stored session belongs to ${stored.url}.\n` +
        `Run \`pensar login --api-url ${other.url}\` to log in there (it replaces the stored session), or leave out --api-url and PENSAR_API_URL to use ${stored.url}.\n`,
    )
    const apiCalls = async (c: typeof stored) => Object.keys((await c.control.stats()).requests).filter((route) => !route.includes(' /_console/'))
    expect(await apiCalls(stored)).toEqual([])
    expect(await apiCalls(other)).toEqual([])
    const json = await status(h.home, ['--api-url', other.url, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ loggedIn: false, apiUrl: other.url, online: null })
  }, TIMEOUT)

  test("PENSAR_API_KEY over a stored browser session: the key's view only", async () => {
    const c = await startConsole(['--interval', '0.2', '--seed', 'demo'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const { apiKey } = await c.control.createApiKey('no-billing', h.email, 'ci')
    const env = { PENSAR_API_KEY: apiKey }
    const offline = await status(h.home, ['--offline'], env)
    expect(offline.stdout).toBe(
      [
        'Logged in to Pensar Console',
        '  Auth:        API key from PENSAR_API_KEY',
        '  User:        not checked (--offline)',
        '  Workspace:   not checked (--offline)',
        `  Console:     ${c.url}`,
        '  Credentials: PENSAR_API_KEY (environment)',
        '  Online:      not checked (--offline)',
        '',
      ].join('\n'),
    )
    expect(offline.stderr).toBe(`PENSAR_API_KEY is set: it overrides the login stored in ${h.pensarHome}/auth.json.\n`)
    const online = await status(h.home, [], env)
    expect(online.code).toBe(0)
    expect(online.stdout).toContain('Workspace:   No Billing (no-billing)\n')
    expect(online.stdout).toContain('Billing:     not set up — see Settings > Billing in Pensar Console\n')
    expect(online.stdout).not.toMatch(/Token:|Acme|token accepted/)
    expect(online.stdout + online.stderr).not.toContain(apiKey)
  }, TIMEOUT)
})
