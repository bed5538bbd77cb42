// The human `/status` box in the terminal widths people use (40–100 columns): no line may run past
// the right edge, where the terminal would wrap it and break the frame; and what each line says.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { PassThrough } from 'node:stream'
import type { StatusOutcome, StatusReport } from '../../../src/flows/status/status'
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
function drawn(columns: number, r: StatusReport, more: Omit<StatusOutcome, 'report'> = {}): string[] {
  let out = ''
  const output = Object.assign(new PassThrough(), { columns })
  output.on('data', (d) => (out += String(d)))
  const ui = new ClackUi({ input: Object.assign(new PassThrough(), { isTTY: true }), output, paint: createPaint(false), unicode: true })
  renderStatus({ ...t.ctx, ui }, { report: r, ...more })
  return out.trimEnd().split('\n')
}

describe('the /status box', () => {
  for (const columns of [40, 60, 80, 100]) {
    test(`fits a ${columns}-column terminal, frame intact, with low balance and billing not set up`, () => {
      const rows = drawn(columns, report())
      for (const row of rows) expect(row.length).toBeLessThanOrEqual(columns)
      expect(rows[0]).toStartWith('╭─ Connected to Pensar Console')
      expect(rows.at(-1)).toMatch(/^╰─+╯$/)
      for (const row of rows.slice(1, -1)) expect(row).toMatch(/^│ .*│$/)
      const text = rows.map((r) => r.slice(2, -1).trimEnd()).join(' ').replace(/ +/g, ' ')
      expect(text).toContain('Balance: $0.42 (low)')
      expect(text).toContain('Billing: not set up — see Settings > Billing in Pensar Console')
      expect(text).toContain('Console: https://api.test.pensar')
      expect(text).toContain('expires in 4m 00s, renewed automatically')
    })
  }

  test('the fixed wording needs no wrapping in 80 columns: each fact stays on one row', () => {
    const rows = drawn(80, report({ credentialStore: '/home/me/.pensar/auth.json', online: { ok: true, balance: 0.42, billingReady: true, inferenceEnabled: null } }))
    expect(rows.find((r) => r.startsWith('│ Balance:'))).toContain('$0.42 (low)')
    expect(rows.find((r) => r.startsWith('│ Billing:'))).toContain('low balance — see Settings > Billing in Pensar Console')
    expect(rows.filter((r) => r.startsWith('│              '))).toEqual([]) // no continuation rows
  })

  test('a long reason for an unverified session wraps inside the box, under the label', () => {
    const reason = `${TEST_API}/gateway/validate could not be reached: the connection was refused by the remote host after 3 seconds`
    const rows = drawn(80, report({ online: { ok: false, balance: null, billingReady: null, inferenceEnabled: null } }), { unverified: { reason, hint: 'Try again in a minute.', renewalFailed: false } })
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(80)
    expect(rows[0]).toStartWith('╭─ Logged in, not verified')
    const online = rows.findIndex((r) => r.startsWith('│ Online:      not verified:'))
    expect(rows[online + 1]).toStartWith('│              ') // the continuation is indented under the value
    expect(rows.join(' ').replace(/[│ ]+/g, ' ')).toContain('refused by the remote host after 3 seconds')
    expect(rows.at(-1)).toBe('▲  Your login is kept. Try again in a minute.')
  })

  test('all is well: balance and billing ready, no advice', () => {
    const text = drawn(100, report({ online: { ok: true, balance: 50, billingReady: true, inferenceEnabled: null } })).join('\n')
    expect(text).toContain('Balance:     $50.00 ')
    expect(text).toContain('Billing:     ready ')
    expect(text).not.toContain('Settings > Billing')
    expect(text).not.toContain('token accepted')
  })

  test('warnings are coloured, and say so in words too', () => {
    let out = ''
    const output = Object.assign(new PassThrough(), { columns: 100 })
    output.on('data', (d) => (out += String(d)))
    const ui = new ClackUi({ input: Object.assign(new PassThrough(), { isTTY: true }), output, paint: createPaint(true), unicode: true })
    renderStatus({ ...t.ctx, ui }, { report: report() })
    expect(out).toContain('\x1b[33mBalance:     $0.42 (low)')
    expect(out).toContain('\x1b[33mBilling:     not set up — see Settings > Billing in Pensar Console')
  })

  test('the Apex Inference category switched off: a warning line that says where to turn it on', () => {
    const rows = drawn(100, report({ online: { ok: true, balance: 50, billingReady: true, inferenceEnabled: false } }))
    expect(rows.find((r) => r.startsWith('│ Inference:'))).toContain('Inference:   switched off — turn it on under Settings > Usage in Pensar Console')
    expect(rows.find((r) => r.startsWith('│ Billing:'))).toContain('ready')
    const fine = drawn(100, report({ online: { ok: true, balance: 50, billingReady: true, inferenceEnabled: true } }))
    expect(fine.some((r) => r.includes('Inference:'))).toBe(false)
  })
})
