// `pensar usage`: the Console's summary as a table that fits the terminal, or as --json.
import { afterEach, describe, expect, test } from 'bun:test'
import { usage } from '../../../src/flows/usage/usage'
import { AuthError, EXIT } from '../../../src/lib/errors'
import { createTestContext, type TestContext, type TestContextOptions } from '../../helpers/context'
import { json } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, seedWorkosSession, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const SUMMARY = {
  workspace: WORKSPACE,
  since: '7d',
  from: '2025-12-25T12:00:00.000Z',
  until: '2026-01-01T12:00:00.000Z',
  total: { requests: 5, cost: 0.0534 },
  byUser: [
    { user: { id: 'user_1', email: 'demo@pensar.local' }, requests: 3, cost: 0.05 },
    { user: { id: 'user_2', email: 'a-very-long-address-for-a-narrow-terminal@subdomain.example.com' }, requests: 2, cost: 0.0034 },
  ],
  byApiKey: [
    { apiKey: null, requests: 3, cost: 0.05 },
    { apiKey: { id: 'key_1', name: 'CI runner', prefix: 'psk_abcd' }, requests: 2, cost: 0.0034 },
  ],
  inferenceEnabled: true,
  usageUrl: 'https://console.test/acme/settings/usage?since=7d',
}

async function loggedIn(opts: TestContextOptions = {}, answer: unknown = SUMMARY) {
  t = createTestContext(opts)
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
  t.fetch.on('GET', '/api/cli/usage', json(answer))
  return t
}

describe('usage', () => {
  test('a table of spend per user, per API key and the total, with the period; the Usage page on stderr', async () => {
    await loggedIn()
    await usage(t.ctx, { since: '7d' })
    const sent = t.fetch.calls('/api/cli/usage')[0]!
    expect(new URL(sent.url).search).toBe('?since=7d')
    expect(sent.headers.get('x-workspace-id')).toBe(WORKSPACE.id)
    expect(t.out.text).toBe([
      'Acme (acme): spend in the last 7 days',
      '',
      'User                                                             Requests    Spend',
      'demo@pensar.local                                                       3    $0.05',
      'a-very-long-address-for-a-narrow-terminal@subdomain.example.com         2  $0.0034',
      '',
      'API key                                                          Requests    Spend',
      'Signed-in CLI sessions                                                  3    $0.05',
      'CI runner (psk_abcd…)                                                   2  $0.0034',
      '',
      'Total                                                                   5    $0.05',
      '',
    ].join('\n'))
    expect(t.ui.text).toBe('info: Usage page: https://console.test/acme/settings/usage?since=7d')
  })

  test.each([40, 60])('on a %i-column terminal every line fits, long labels cut with an ellipsis', async (columns) => {
    await loggedIn({ stdoutTerminal: { columns } })
    await usage(t.ctx, {})
    const lines = t.out.text.trimEnd().split('\n')
    for (const line of lines) expect({ line, fits: [...line].length < columns }).toEqual({ line, fits: true })
    expect(t.out.text).toMatch(/a-very-long-[\w-]*…\s+2 {2}\$0\.0034/)
  })

  test('the default period is 30 days; a bad --since is a usage error before any request', async () => {
    await loggedIn()
    await usage(t.ctx, {})
    expect(new URL(t.fetch.calls('/api/cli/usage')[0]!.url).search).toBe('?since=30d')
    for (const bad of ['7', '0d', 'last week', '2026-02-30', '2026-13-01']) {
      const error = await usage(t.ctx, { since: bad }).catch((e) => e)
      expect({ bad, exit: error.exitCode }).toEqual({ bad, exit: EXIT.usage })
    }
    expect(t.fetch.calls('/api/cli/usage')).toHaveLength(1)
    t.fetch.on('GET', '/api/cli/usage', json(SUMMARY))
    await usage(t.ctx, { since: '2024-02-29' }) // a leap day is a real date
    expect(new URL(t.fetch.calls('/api/cli/usage')[1]!.url).search).toBe('?since=2024-02-29')
  })

  test('the title names the period: the last day, the last N days, or since a date', async () => {
    for (const [since, title] of [['1d', 'spend in the last day'], ['30d', 'spend in the last 30 days'], ['2024-02-29', 'spend since 2024-02-29']]) {
      await loggedIn({}, { ...SUMMARY, since })
      await usage(t.ctx, { since })
      expect(t.out.text.split('\n')[0]).toBe(`Acme (acme): ${title}`)
      t.cleanup()
    }
  })

  test('--json: the summary as one object, nothing else on stdout', async () => {
    await loggedIn({ env: { json: true } })
    await usage(t.ctx, { since: '7d' })
    expect(t.out.text).toBe('')
    expect(t.ui.events).toEqual([SUMMARY] as never)
  })

  test('Apex Inference switched off is said; names the Console chose cannot drive the terminal', async () => {
    await loggedIn({ stdoutTerminal: { columns: 100 } }, {
      ...SUMMARY,
      inferenceEnabled: false,
      byUser: [{ user: { id: 'user_3', email: 'evil\x1b]0;owned\x07@x.test' }, requests: 1, cost: 0.01 }],
    })
    await usage(t.ctx, {})
    expect(t.out.text).toContain('evil\\x1b]0;owned\\x07@x.test')
    expect(t.out.text).not.toContain('\x1b')
    expect(t.ui.text).toContain('warn: Apex Inference is switched off for Acme')
  })

  test('not logged in: exit 4 before any request', async () => {
    t = createTestContext()
    expect(await usage(t.ctx, {}).catch((e) => e)).toBeInstanceOf(AuthError)
    expect(t.fetch.requests).toEqual([])
  })
})
