// The connection in use, with the compiled binary against the local Console: `pensar ask` charges
// the workspace once per request (the balance and the Usage page agree), its signed request cannot
// be replayed, billing trouble exits 5 with the login's warning, the Apex Inference switch is
// obeyed, `pensar usage` shows what the Usage page shows, and `pensar login token` hands over a
// token the Console accepts with nothing else on stdout.
import { describe, expect, test } from 'bun:test'
import { signedInBrowser } from '../console/browser'
import { binarySuite } from '../helpers/binary-suite'
import { startGatewayRelay, useRelay } from '../helpers/gateway-relay'
import { controlCall, loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { pensarBinary } from '../helpers/pensar-binary'
import { runPensar } from '../helpers/run-pensar'
import { readUsagePage } from '../helpers/usage-page'
import { untilJwtExpired, waitUntil } from '../helpers/wait-until'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-inference-int-')

async function consoleWith(args: string[] = []) {
  const c = await startConsole(['--interval', '0.2', '--seed', 'demo', ...args])
  const control = (method: string, path: string, body?: unknown) => controlCall(c.url, method, path, body)
  return {
    url: c.url,
    stats: () => control('GET', '/_console/stats'),
    setBilling: (slug: string, body: Record<string, unknown>) => control('POST', `/_console/workspaces/${slug}/billing`, body),
    createUser: (email: string, workspaces: unknown[]) => control('POST', '/_console/users', { email, password: 'pass-word-1', workspaces }),
    createApiKey: (workspace: string, email: string, name: string) => control('POST', '/_console/api-keys', { workspace, email, name }),
  }
}

async function pensar(h: { home: string }, args: string[], env: Record<string, string> = {}) {
  const run = await runPensar(args, { home: h.home, env })
  return run.done(60_000)
}

/** What the Console says the workspace's balance is, asked with the session's own token. */
async function balanceOf(url: string, h: LoggedInHome): Promise<number> {
  const token = (await pensar(h, ['login', 'token'])).stdout.trim()
  const answer = await fetch(`${url}/gateway/validate`, { headers: { authorization: `Bearer ${token}`, 'x-workspace-id': h.config().workspace.id } })
  return ((await answer.json()) as { credits: { balance: number } }).credits.balance
}

const ANSWER_START = 'You asked: “'

describe('pensar ask', () => {
  test('three questions: three charges of $0.01; the balance, the done events and the Usage page agree', async () => {
    const c = await consoleWith()
    await c.createUser('asker@example.com', [{ name: 'Asker', slug: 'asker', balance: 20, hasPaymentMethod: true }])
    const h = await loggedInHome(c.url, { root, email: 'asker@example.com', workspace: 'asker' })

    const first = await pensar(h, ['ask', 'What is SSRF?'])
    expect(first.code).toBe(0)
    expect(first.stdout).toBe('You asked: “What is SSRF?”. This answer comes from the local Pensar Console gateway, standing in for pensar-large — the hosted models answer here once you connect to Pensar Console. ✓\n')
    expect(first.stderr).toBe('Answered by pensar-large for $0.01; $19.99 left.\n')

    const second = await pensar(h, ['ask', '--json', 'and XSS?'])
    const events = second.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>)
    expect(events.filter((e) => e.event === 'delta').map((e) => e.text).join('')).toStartWith(`${ANSWER_START}and XSS?”`)
    expect(events.at(-1)).toMatchObject({ event: 'done', model: 'pensar-large', usage: { cost: 0.01 }, balance: 19.98 })
    expect(events.map((e) => e.event).filter((e) => e !== 'delta')).toEqual(['done'])

    // Without a question the binary reads it from stdin: an empty one is a usage error, a piped one is asked.
    expect((await pensar(h, ['ask', '--model', 'pensar-small'])).code).toBe(2)
    const piped = Bun.spawn([await pensarBinary(), 'ask', '--model', 'pensar-small'], {
      env: { PATH: process.env.PATH!, HOME: h.home, PENSAR_HOME: h.pensarHome, NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost' },
      stdin: new Blob(['piped question\n']),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    expect(await piped.exited).toBe(0)
    expect(await new Response(piped.stdout).text()).toStartWith(`${ANSWER_START}piped question”. This answer comes from the local Pensar Console gateway, standing in for pensar-small`)

    expect(await balanceOf(c.url, h)).toBe(19.97)
    expect((await c.stats()).requests['POST /gateway/v1/messages']).toBe(3)
    const page = readUsagePage((await (await signedInBrowser(c.url, 'asker@example.com', 'pass-word-1')).get('/asker/settings/usage')).text)
    expect(page).toMatchObject({ total: '$0.03', requests: 3, byUser: [['asker@example.com', 3, '$0.03']], byKey: [['Signed-in CLI sessions', 3, '$0.03']] })
  }, TIMEOUT)

  test('the signed request the binary sends is refused when replayed (its nonce is spent), and nothing more is charged', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const relay = startGatewayRelay(c.url)
    useRelay(h.pensarHome, relay)
    try {
      const asked = await pensar(h, ['ask', 'once only'])
      expect(asked.code).toBe(0)
      expect(asked.stdout).toStartWith(`${ANSWER_START}once only”`)
      const balance = await balanceOf(c.url, h)
      const sent = relay.recorded.find((r) => r.path === '/gateway/v1/messages')!
      expect(JSON.parse(sent.body)).toMatchObject({ model: 'pensar-large', stream: true })
      const replayed = await fetch(`${c.url}/gateway/v1/messages`, { method: 'POST', headers: sent.headers, body: sent.body })
      expect(replayed.status).toBe(401)
      expect(((await replayed.json()) as { error: string; error_description: string })).toMatchObject({ error: 'invalid_signature', error_description: 'This nonce was already used (a replayed request).' })
      expect(await balanceOf(c.url, h)).toBe(balance)
    } finally {
      relay.stop()
    }
  }, TIMEOUT)

  test('an expired access token is renewed before the question, once', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    await untilJwtExpired(String(h.auth().accessToken))
    const before = (await c.stats()).refreshes as number
    const asked = await pensar(h, ['ask', 'after expiry'])
    expect(asked.code).toBe(0)
    expect(asked.stdout).toStartWith(`${ANSWER_START}after expiry”`)
    expect((await c.stats()).refreshes).toBe(before + 1)
  }, TIMEOUT)

  test('Ctrl-C mid-answer: what came stays, exit 130, "Answer stopped.", and the session is kept', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const relay = startGatewayRelay(c.url, { hold: true })
    useRelay(h.pensarHome, relay)
    const run = await runPensar(['ask', 'a question to interrupt'], { home: h.home })
    const firstDelta = 'You asked: '
    await waitUntil(() => run.stdout() === firstDelta, () => `the first delta; stdout: ${run.stdout()}; stderr: ${run.stderr()}`, 20_000)
    run.proc.kill('SIGINT')
    const result = await run.done().finally(() => relay.stop())
    expect(result.code).toBe(130)
    expect(result.stdout).toBe(`${firstDelta}\n`) // what came, its line ended
    expect(result.stderr).toBe('Answer stopped.\n')
    expect((await pensar(h, ['status'])).code).toBe(0)
  }, TIMEOUT)
})

describe('billing trouble where it happens', () => {
  test('402: billing not ready exits 5 with the login\'s warning and the address; nothing on stdout; --json ends in the error event', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'no-billing' })
    const refused = await pensar(h, ['ask', 'anyone there?'])
    expect(refused.code).toBe(5)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toContain(`Warning: Billing isn't set up for No Billing. Finish setup:\n${c.url}/no-billing/settings/billing`)
    expect(refused.stderr).toContain("Error: Nothing was asked: billing isn't ready for No Billing")

    const json = await pensar(h, ['ask', '--json', 'anyone there?'])
    expect(json.code).toBe(5)
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(events).toEqual([
      { event: 'warning', code: 'billing_not_ready', message: "Billing isn't set up for No Billing.", url: `${c.url}/no-billing/settings/billing` },
      expect.objectContaining({ event: 'error', code: 'insufficient_credits' }),
    ])
    expect((await c.stats()).requests['POST /gateway/v1/messages']).toBe(2)
    const usage = JSON.parse((await pensar(h, ['usage', '--json'])).stdout) as { total: unknown }
    expect(usage.total).toEqual({ requests: 0, cost: 0 })
  }, TIMEOUT)

  test('a balance that falls under $1 is warned about after the answer', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'low-balance' })
    const asked = await pensar(h, ['ask', 'cheap?'])
    expect(asked.code).toBe(0)
    expect(asked.stderr).toBe(`Answered by pensar-large for $0.01; $0.41 left.\nWarning: Low credit balance ($0.41) in Low Balance. Add credits:\n${c.url}/low-balance/settings/billing\n`)
  }, TIMEOUT)

  test('the Apex Inference category switched off: exit 5 naming the Usage page; status --json says so; switched on, it answers', async () => {
    const c = await consoleWith()
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    await c.setBilling('acme', { inferenceEnabled: false })
    const refused = await pensar(h, ['ask', 'hello?'])
    expect(refused.code).toBe(5)
    expect(refused.stderr).toContain('Apex Inference is switched off for Acme.')
    expect(refused.stderr).toContain(`${c.url}/acme/settings/usage`)
    const status = await pensar(h, ['status', '--json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout).online).toEqual({ ok: true, balance: 50, billingReady: true, inferenceEnabled: false })
    await c.setBilling('acme', { inferenceEnabled: true })
    expect((await pensar(h, ['ask', 'hello?'])).code).toBe(0)
  }, TIMEOUT)
})

describe('pensar usage', () => {
  test('agrees with the Usage page: per user, per API key and the total', async () => {
    const c = await consoleWith()
    await c.createUser('owner@example.com', [{ name: 'Team Spend', slug: 'team-spend', balance: 10, hasPaymentMethod: true }])
    await controlCall(c.url, 'POST', '/_console/workspaces/team-spend/members', { email: 'demo@pensar.local' })
    const h = await loggedInHome(c.url, { root, workspace: 'team-spend' })
    const { apiKey } = await c.createApiKey('team-spend', 'owner@example.com', 'nightly scan')
    for (const question of ['one', 'two']) expect((await pensar(h, ['ask', question])).code).toBe(0)
    expect((await pensar(h, ['ask', 'from CI'], { PENSAR_API_KEY: apiKey })).code).toBe(0)

    const table = await pensar(h, ['usage', '--since', '7d'])
    expect(table.code).toBe(0)
    const rows = table.stdout.split('\n')
    expect(rows[0]).toBe('Team Spend (team-spend): spend in the last 7 days')
    const numbers = (label: string) => rows.find((r) => r.startsWith(label))?.replace(label, '').trim().split(/\s+/)
    const page = readUsagePage((await (await signedInBrowser(c.url, 'owner@example.com', 'pass-word-1')).get('/team-spend/settings/usage?since=7d')).text)
    for (const [label, requests, spend] of [...page.byUser, ...page.byKey]) expect(numbers(label)).toEqual([String(requests), spend])
    expect(numbers('Total')).toEqual([String(page.requests), page.total])
    expect(page.total).toBe('$0.03')
    expect(table.stderr).toBe(`Usage page: ${c.url}/team-spend/settings/usage?since=7d\n`)

    const json = JSON.parse((await pensar(h, ['usage', '--json', '--since', '7d'])).stdout)
    expect(json).toMatchObject({ total: { requests: 3, cost: 0.03 }, byUser: [{ user: { email: 'demo@pensar.local' }, requests: 2 }, { user: { email: 'owner@example.com' }, requests: 1 }] })
    expect((await pensar(h, ['usage', '--since', 'yesterday'])).code).toBe(2)
  }, TIMEOUT)
})

describe('pensar login token', () => {
  test('prints only a token the Console accepts; renews an expired one first; --json adds expiry, workspace, gateway', async () => {
    const c = await consoleWith(['--access-ttl', '3'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const printed = await pensar(h, ['login', 'token'])
    expect(printed.code).toBe(0)
    expect(printed.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/)
    expect(printed.stderr).toBe('')
    const token = printed.stdout.trim()
    const accepted = await fetch(`${c.url}/api/cli/workspaces`, { headers: { authorization: `Bearer ${token}` } })
    expect(accepted.status).toBe(200)

    await untilJwtExpired(token)
    const before = (await c.stats()).refreshes as number
    const renewed = await pensar(h, ['auth', 'token'])
    expect(renewed.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/)
    expect(renewed.stdout.trim()).not.toBe(token)
    expect(renewed.stderr).toBe('')
    expect((await c.stats()).refreshes).toBe(before + 1)
    expect((await fetch(`${c.url}/api/cli/workspaces`, { headers: { authorization: `Bearer ${renewed.stdout.trim()}` } })).status).toBe(200)

    const json = await pensar(h, ['login', 'token', '--json'])
    expect(json.stdout.trim().split('\n')).toHaveLength(1)
    const report = JSON.parse(json.stdout)
    expect(report).toMatchObject({ authType: 'workos', workspace: { slug: 'acme' }, gatewayUrl: c.url })
    expect(Date.parse(report.expiresAt)).toBeGreaterThan(Date.now() - 5_000)
    expect(h.auth().accessToken).toBe(report.token)
  }, TIMEOUT)

  test('API-key auth prints the key; not logged in exits 4 with nothing on stdout', async () => {
    const c = await consoleWith()
    const { apiKey } = await c.createApiKey('acme', 'demo@pensar.local', 'token test')
    const empty = { home: (await loggedInHome(c.url, { root, workspace: 'acme' })).home }
    expect((await pensar(empty, ['login', 'token'], { PENSAR_API_KEY: apiKey })).stdout).toBe(`${apiKey}\n`)
    await pensar(empty, ['logout'])
    const none = await pensar(empty, ['login', 'token'])
    expect(none.code).toBe(4)
    expect(none.stdout).toBe('')
    expect(none.stderr).toContain('Not logged in to Pensar Console.')
  }, TIMEOUT)
})
