// The human `/status` box in the terminal widths people use (80–100 columns): no line may run past
// the right edge, where the terminal would wrap it and break the frame.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { PassThrough } from 'node:stream'
import type { StatusReport } from '../../../src/flows/status/status'
import { renderStatus } from '../../../src/flows/status/render'
import { ClackUi } from '../../../src/ui/clack'
import { createPaint } from '../../../src/ui/style'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { USER, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext
beforeEach(() => {
  t = createTestContext({ interactive: true })
})
afterEach(() => t.cleanup())

function report(overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    loggedIn: true,
    authType: 'workos',
    user: USER,
    workspace: WORKSPACE,
    apiUrl: TEST_API,
    credentialStore: '/home/someone-with-a-long-name/projects/pentest-lab/.pensar/auth.json',
    credentialBackend: 'file',
    expiresAt: new Date(t.clock.now() + 240_000).toISOString(),
    online: { ok: true, balance: 0.42, billingReady: false, inferenceEnabled: null },
    source: 'file',
    ...overrides,
  }
}

/** What `/status` draws on a terminal `columns` wide, one string per screen row. */
function drawn(columns: number, r: StatusReport, offlineReason?: string): string[] {
  let out = ''
  const output = Object.assign(new PassThrough(), { columns })
  output.on('data', (d) => (out += String(d)))
  const ui = new ClackUi({ input: Object.assign(new PassThrough(), { isTTY: true }), output, paint: createPaint(false), unicode: true })
  renderStatus({ ...t.ctx, ui }, { report: r, offlineReason })
  return out.trimEnd().split('\n')
}

describe('the /status box', () => {
  for (const columns of [80, 100]) {
    test(`fits a ${columns}-column terminal, frame intact, with low balance and billing not ready`, () => {
      const rows = drawn(columns, report())
      for (const row of rows) expect(row.length).toBeLessThanOrEqual(columns)
      expect(rows[0]).toStartWith('╭─ Connected to Pensar Console')
      expect(rows.at(-1)).toMatch(/^╰─+╯$/)
      for (const row of rows.slice(1, -1)) expect(row).toMatch(/^│ .*│$/)
      const text = rows.join('\n')
      expect(text).toContain('Online:      token accepted, balance $0.42 (low), billing NOT ready')
      expect(text).toContain('Billing:     finish setup under Settings > Billing in Pensar Console')
      expect(text).toContain('expires in 4m 00s, renewed automatically')
    })
  }

  test('the fixed wording needs no wrapping in 80 columns: each fact stays on one row', () => {
    const rows = drawn(80, report({ credentialStore: '/home/me/.pensar/auth.json', online: { ok: true, balance: 0.42, billingReady: true, inferenceEnabled: null } }))
    expect(rows.find((r) => r.startsWith('│ Online:'))).toContain('token accepted, balance $0.42 (low), billing ready')
    expect(rows.find((r) => r.startsWith('│ Billing:'))).toContain('add credits under Settings > Billing in Pensar Console')
    expect(rows.filter((r) => r.startsWith('│              '))).toEqual([]) // no continuation rows
  })

  test('a long reason for an unreachable Console wraps inside the box, under the label', () => {
    const reason = `could not reach ${TEST_API}/gateway/validate: the connection was refused by the remote host after 3 seconds`
    const rows = drawn(80, report({ online: { ok: false, balance: null, billingReady: null, inferenceEnabled: null } }), reason)
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(80)
    const online = rows.findIndex((r) => r.startsWith('│ Online:      could not check:'))
    expect(rows[online + 1]).toStartWith('│              ') // the continuation is indented under the value
    expect(rows.join(' ').replace(/[│ ]+/g, ' ')).toContain('refused by the remote host after 3 seconds')
  })

  test('all is well: no billing advice line', () => {
    const rows = drawn(100, report({ online: { ok: true, balance: 50, billingReady: true, inferenceEnabled: null } }))
    expect(rows.join('\n')).toContain('token accepted, balance $50.00, billing ready')
    expect(rows.some((r) => r.includes('Billing:'))).toBe(false)
  })
})
