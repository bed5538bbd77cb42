// The gateway's inference routes (docs/console-api.md §5): models, answers whole and streamed as
// Server-Sent Events, one charge per request, the refusals (unknown model, the Apex Inference
// category switched off, billing not ready), and the usage the Usage page and the CLI's API show.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { readUsagePage } from '../helpers/usage-page.ts'
import { csrfOf, signedInBrowser } from './browser.ts'
import { signedMessageRequest } from './gateway-signing.ts'
import { bearer, getJson, loginAs, postJson } from './oauth-client.ts'

let pc: TestConsole
let token: string
const keys = new Map<string, string>()

beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo'])
  token = (await loginAs(pc.url, (code) => pc.control.approve(code, 'demo@pensar.local'))).access_token
}, 30_000)
afterAll(() => pc.stop())

interface Workspace {
  id: string
  signingKey: string
}

async function workspace(slug: string): Promise<Workspace> {
  const list = await getJson(`${pc.url}/api/cli/workspaces`, bearer(token))
  const id = list.body.workspaces.find((w: { slug: string }) => w.slug === slug).id as string
  if (!keys.has(id)) keys.set(id, (await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: id }, bearer(token))).body.signingKey)
  return { id, signingKey: keys.get(id)! }
}

function ask(ws: Workspace, fields: Record<string, unknown>, auth = bearer(token)) {
  const body = JSON.stringify({ model: 'pensar-large', messages: [{ role: 'user', content: 'What is SSRF?' }], ...fields })
  const model = (JSON.parse(body) as { model: string }).model
  return fetch(`${pc.url}/gateway/v1/messages`, {
    method: 'POST',
    headers: { ...auth, 'x-workspace-id': ws.id, 'content-type': 'application/json', ...signedMessageRequest(ws.signingKey, body, model) },
    body,
  })
}

const balanceOf = async (ws: Workspace) => (await getJson(`${pc.url}/gateway/validate`, { ...bearer(token), 'x-workspace-id': ws.id })).body.credits.balance as number

/** The events of an SSE body, split the simple way (the server writes `event:` and `data:` lines). */
function sseEvents(text: string): { event: string; data: Record<string, any> }[] {
  return text.split('\n\n').filter((block) => block.includes('data:')).map((block) => ({
    event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
    data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!),
  }))
}

describe('models', () => {
  test('GET /gateway/v1/models lists the models and names the default; it needs a credential', async () => {
    const listed = await getJson(`${pc.url}/gateway/v1/models`, bearer(token))
    expect(listed.body.default).toBe('pensar-large')
    expect(listed.body.data.map((m: { id: string }) => m.id)).toEqual(['pensar-large', 'pensar-small'])
    expect(listed.body.data[0]).toMatchObject({ type: 'model', default: true, cost_per_request: 0.01 })
    expect((await getJson(`${pc.url}/gateway/v1/models`)).status).toBe(401)
  })
})

describe('answers', () => {
  test('streamed: the SSE events in order, the deltas make up the same text as a whole answer, one charge each', async () => {
    const acme = await workspace('acme')
    const before = await balanceOf(acme)
    const streamed = await ask(acme, { stream: true })
    expect(streamed.status).toBe(200)
    expect(streamed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const events = sseEvents(await streamed.text())
    expect(events.map((e) => e.event).filter((e, i, all) => e !== all[i - 1])).toEqual([
      'message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
    ])
    const text = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join('')
    expect(text).toContain('You asked: “What is SSRF?”')
    const final = events.find((e) => e.event === 'message_delta')!.data
    expect(final.usage.cost).toBe(0.01)
    expect(final.billing.balance).toBeCloseTo(before - 0.01, 2)

    const whole = (await (await ask(acme, {})).json()) as Record<string, any>
    expect(whole.content[0].text).toBe(text)
    expect(whole).toMatchObject({ model: 'pensar-large', usage: { cost: 0.01 }, billing: { balance: expect.closeTo(before - 0.02, 2) } })
    expect(await balanceOf(acme)).toBeCloseTo(before - 0.02, 2)
  })

  test('the answer follows the conversation: a second question is numbered', async () => {
    const acme = await workspace('acme')
    const messages = [
      { role: 'user', content: 'first' }, { role: 'assistant', content: 'an answer' }, { role: 'user', content: 'second' },
    ]
    const answer = (await (await ask(acme, { messages })).json()) as Record<string, any>
    expect(answer.content[0].text).toContain('You asked: “second”. This is question 2 of our conversation.')
  })

  test('a client that hangs up mid-stream was charged once, and the Console keeps serving', async () => {
    const acme = await workspace('acme')
    const before = await balanceOf(acme)
    const response = await ask(acme, { stream: true })
    const reader = response.body!.getReader()
    await reader.read()
    await reader.cancel()
    expect(await balanceOf(acme)).toBeCloseTo(before - 0.01, 2)
    expect((await ask(acme, {})).status).toBe(200)
  })

  test('malformed requests are refused before any charge: no messages, an unknown model', async () => {
    const acme = await workspace('acme')
    const before = await balanceOf(acme)
    const empty = await ask(acme, { messages: [] })
    expect(empty.status).toBe(400)
    const unknown = await ask(acme, { model: 'gpt-nope' })
    expect(unknown.status).toBe(400)
    const body = (await unknown.json()) as Record<string, string>
    expect(body.error).toBe('unknown_model')
    expect(body.error_description).toContain('pensar-large, pensar-small')
    expect(await balanceOf(acme)).toBe(before)
  })
})

describe('refusals', () => {
  test('402 insufficient_credits names the billing page and the billing state; nothing is recorded', async () => {
    const broke = await workspace('no-billing')
    const refused = await ask(broke, { stream: true })
    expect(refused.status).toBe(402)
    expect(await refused.json()).toMatchObject({
      error: 'insufficient_credits',
      billing: { balance: 0, hasPaymentMethod: false, ready: false },
      billingUrl: `${pc.url}/no-billing/settings/billing`,
    })
    expect((await getJson(`${pc.url}/api/cli/usage`, { ...bearer(token), 'x-workspace-id': broke.id })).body.total).toEqual({ requests: 0, cost: 0 })
  })

  test('the Apex Inference category switched off: 403 inference_disabled with the Usage page, no charge; on again, it answers', async () => {
    await pc.control.createUser('switch@example.com', { password: 'switch-pass', workspaces: [{ name: 'Switch', slug: 'switch', balance: 5, hasPaymentMethod: true }] })
    const switchToken = (await loginAs(pc.url, (code) => pc.control.approve(code, 'switch@example.com'))).access_token
    const id = (await getJson(`${pc.url}/api/cli/workspaces`, bearer(switchToken))).body.workspaces[0].id as string
    const ws = { id, signingKey: (await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: id }, bearer(switchToken))).body.signingKey as string }
    const browser = await signedInBrowser(pc.url, 'switch@example.com', 'switch-pass')

    const page = await browser.get('/switch/settings/usage')
    expect(readUsagePage(page.text).apexInference).toBe('on')
    const forged = await browser.post('/switch/settings/usage/apex-inference', { csrf: 'wrong' })
    expect(forged.status).toBe(403)
    const off = await browser.post('/switch/settings/usage/apex-inference', { csrf: csrfOf(page.text) })
    expect(off.status).toBe(303)
    expect(readUsagePage((await browser.get(off.location!)).text).apexInference).toBe('off')
    expect((await getJson(`${pc.url}/gateway/validate`, { ...bearer(switchToken), 'x-workspace-id': id })).body.inference).toEqual({ enabled: false })

    const refused = await ask(ws, {}, bearer(switchToken))
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: 'inference_disabled', usageUrl: `${pc.url}/switch/settings/usage` })
    expect((await getJson(`${pc.url}/gateway/validate`, { ...bearer(switchToken), 'x-workspace-id': id })).body.credits.balance).toBe(5)

    await browser.post('/switch/settings/usage/apex-inference', { csrf: csrfOf(page.text) })
    expect((await ask(ws, {}, bearer(switchToken))).status).toBe(200)
  })
})

describe('usage', () => {
  test('GET /api/cli/usage: spend per user, per API key and in total, the same numbers as the Usage page', async () => {
    await pc.control.createUser('counter@example.com', { password: 'counter-pass', workspaces: [{ name: 'Counter', slug: 'counter', balance: 10, hasPaymentMethod: true }] })
    await pc.control.addMember('counter', 'demo@pensar.local')
    const { apiKey } = await pc.control.createApiKey('counter', 'counter@example.com', 'CI <runner>')
    const validated = await getJson(`${pc.url}/auth/validate`, bearer(apiKey))
    const ws = { id: validated.body.workspace.id as string, signingKey: validated.body.signingKey as string }
    for (let i = 0; i < 3; i++) expect((await ask(ws, {})).status).toBe(200) // demo, signed in
    expect((await ask(ws, { stream: true }, bearer(apiKey))).status).toBe(200) // counter's key

    const usage = await getJson(`${pc.url}/api/cli/usage?since=7d`, bearer(apiKey))
    expect(usage.status).toBe(200)
    expect(usage.body).toMatchObject({
      workspace: { slug: 'counter' },
      since: '7d',
      total: { requests: 4, cost: 0.04 },
      byUser: [
        { user: { email: 'demo@pensar.local' }, requests: 3, cost: 0.03 },
        { user: { email: 'counter@example.com' }, requests: 1, cost: 0.01 },
      ],
      byApiKey: [
        { apiKey: null, requests: 3, cost: 0.03 },
        { apiKey: { name: 'CI <runner>', prefix: apiKey.slice(0, 8) }, requests: 1, cost: 0.01 },
      ],
      inferenceEnabled: true,
      usageUrl: `${pc.url}/counter/settings/usage?since=7d`,
    })
    expect(Date.parse(usage.body.until) - Date.parse(usage.body.from)).toBe(7 * 86_400_000)

    const page = readUsagePage((await (await signedInBrowser(pc.url, 'counter@example.com', 'counter-pass')).get('/counter/settings/usage?since=7d')).text)
    expect(page).toEqual({
      total: '$0.04',
      requests: 4,
      byUser: [['demo@pensar.local', 3, '$0.03'], ['counter@example.com', 1, '$0.01']],
      byKey: [['Signed-in CLI sessions', 3, '$0.03'], [`CI <runner> (${apiKey.slice(0, 8)}…)`, 1, '$0.01']],
      apexInference: 'on',
    })
  })

  test('since: days or a date; anything else is 400 (and the page says so); a date to come shows nothing', async () => {
    const acme = await workspace('acme')
    const headers = { ...bearer(token), 'x-workspace-id': acme.id }
    const byDate = await getJson(`${pc.url}/api/cli/usage?since=2020-02-29`, headers)
    expect(byDate.body.from).toBe('2020-02-29T00:00:00.000Z')
    expect((await getJson(`${pc.url}/api/cli/usage?since=2999-01-01`, headers)).body.total).toEqual({ requests: 0, cost: 0 })
    expect((await getJson(`${pc.url}/api/cli/usage`, headers)).body.since).toBe('30d')
    for (const bad of ['2021-02-29', '7', '0d', 'yesterday', '7d;drop']) {
      const answer = await getJson(`${pc.url}/api/cli/usage?since=${encodeURIComponent(bad)}`, headers)
      expect({ bad, status: answer.status, error: answer.body.error }).toEqual({ bad, status: 400, error: 'invalid_request' })
    }
    const page = await (await signedInBrowser(pc.url, 'demo@pensar.local', 'demo')).get('/acme/settings/usage?since=soon')
    expect(page.status).toBe(400)
    expect(page.text).toContain('not &quot;soon&quot;')
  })

  test('who may read it: members and the workspace\'s API keys; others get 403, no credential 401', async () => {
    await pc.control.createWorkspace('stranger@example.com', { name: 'Elsewhere', slug: 'elsewhere' })
    const { apiKey } = await pc.control.createApiKey('elsewhere', 'stranger@example.com')
    const acme = await workspace('acme')
    expect((await getJson(`${pc.url}/api/cli/usage`, { ...bearer(apiKey), 'x-workspace-id': acme.id })).status).toBe(403)
    expect((await getJson(`${pc.url}/api/cli/usage`, { 'x-workspace-id': acme.id })).status).toBe(401)
    expect((await getJson(`${pc.url}/api/cli/usage`, bearer(token))).status).toBe(400)
  })
})
