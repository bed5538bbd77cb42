// Every Ui method, in every implementation, given hostile text in every string it takes: nothing
// reaches the output as something a terminal obeys, and all of it is shown. The table is keyed by
// the Ui interface itself, so a method added to Ui fails typecheck until it is covered here.
import { describe, expect, test } from 'bun:test'
import { PassThrough } from 'node:stream'
import { ClackUi } from '../../src/ui/clack'
import { JsonUi, PlainUi } from '../../src/ui/plain'
import { createPaint } from '../../src/ui/style'
import type { Ui } from '../../src/ui/ui'
import { hostile, obeyedPoison, SHOWN_FORMS } from '../helpers/hostile-text'

const evil = hostile('Evil')
const evilUrl = `https://console.test/device?x=${hostile('')}`

interface Harness {
  ui: Ui
  output(): string
  /** Answers the prompt that is open (Enter). */
  answer(): Promise<void>
}

type Call = (h: Harness) => Promise<unknown> | unknown

const CALLS: Record<Exclude<keyof Ui, 'interactive'>, Call> = {
  info: ({ ui }) => (ui.info(evil), ui.info([evil, evil])),
  success: ({ ui }) => (ui.success(evil), ui.success([evil, evil])),
  warn: ({ ui }) => (ui.warn(evil), ui.warn([evil, evil])),
  error: ({ ui }) => (ui.error(evil, evil), ui.error([evil, evil])),
  note: ({ ui }) => ui.note(evil, [evil, `Workspace: ${evil}`, { text: `Billing: ${evil}`, tone: 'warn' }]),
  report: ({ ui }) => ui.report({ title: evil, lines: [evil, { text: `Balance: ${evil}`, tone: 'fail' }], verdict: { text: evil, tone: 'warn' } }),
  showCode: ({ ui }) => ui.showCode({ userCode: evil, verificationUri: evilUrl, verificationUriComplete: evilUrl, expiresInSec: 600, browser: { opened: false, reason: evil } }),
  emit: ({ ui }) => ui.emit({ event: 'hostile', name: evil }),
  result: ({ ui }) => ui.result(`${evil}\n${evil}`),
  select: async ({ ui, answer }) => {
    const chosen = ui.select({ message: evil, options: [{ value: 1, label: evil, hint: evil }] }).catch((e) => e)
    await answer()
    return chosen
  },
  pressKey: async ({ ui, answer }) => {
    const chosen = ui.pressKey({ message: evil, choices: [{ key: 'enter', value: 1, label: evil }] }).catch((e) => e)
    await answer()
    return chosen
  },
  spinner: ({ ui }) => {
    const spinner = ui.spinner(evil)
    spinner.update(evil)
    spinner.stop(evil)
  },
}

function clackHarness(): Harness {
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(raw: boolean) { input.isRaw = raw } })
  let out = ''
  // Wide enough that no line wraps: a shown `\x1b[2J` stays in one piece to be found.
  const output = Object.assign(new PassThrough(), { columns: 1000, rows: 60 })
  output.on('data', (d) => (out += String(d)))
  // Colours, links and the clipboard all on: our own sequences around the text must still work.
  const ui = new ClackUi({ input, output, paint: createPaint(true), unicode: true, hyperlinks: true, clipboard: true })
  const answer = async () => {
    while (out.length === 0) await new Promise((r) => setImmediate(r)) // until the prompt has drawn
    input.write('\r')
  }
  return { ui, output: () => out, answer }
}

function plainHarness(json: boolean): Harness {
  let out = ''
  const write = (s: string) => (out += s)
  return { ui: json ? new JsonUi(write, write) : new PlainUi(write), output: () => out, answer: async () => {} }
}

const HARNESSES: [string, () => Harness][] = [
  ['ClackUi (a terminal)', clackHarness],
  ['PlainUi (no terminal)', () => plainHarness(false)],
  ['JsonUi (--json: stdout and stderr)', () => plainHarness(true)],
]

describe.each(HARNESSES)('%s', (_name, make) => {
  test.each(Object.keys(CALLS) as (keyof typeof CALLS)[])('%s obeys nothing it is given', async (method) => {
    const h = make()
    await CALLS[method](h)
    expect(obeyedPoison(h.output())).toEqual([])
  })

  test.each(['info', 'warn', 'error', 'note', 'report', 'showCode', 'spinner'] as const)('%s shows the hostile text instead of dropping it', async (method) => {
    const h = make()
    await CALLS[method](h)
    for (const shown of SHOWN_FORMS) expect(h.output()).toContain(shown)
  })
})

describe('our own sequences still work around safe text', () => {
  test('a clean address is still a link, and a clean code is still copied', async () => {
    const h = clackHarness()
    await h.ui.showCode({ userCode: 'BCDF-GHJK', verificationUri: 'https://c/device', expiresInSec: 600, browser: { opened: true } })
    expect(h.output()).toContain('\x1b]8;;https://c/device\x1b\\')
    expect(h.output()).toContain('\x1b]52;c;QkNERi1HSEpL\x07')
    expect(h.output()).toContain('\x1b[1m')
    expect(obeyedPoison(h.output(), ['BCDF-GHJK'])).toEqual([])
  })

  test('a hostile address is shown, never linked; a hostile code is never copied', async () => {
    const h = clackHarness()
    await CALLS.showCode(h)
    expect(h.output()).not.toContain('\x1b]8;;')
    expect(h.output()).not.toContain('\x1b]52;')
    expect(h.output()).not.toContain('(copied)')
  })

  test('--json keeps the raw value: the event parses back to exactly what was given', () => {
    const h = plainHarness(true)
    h.ui.emit({ event: 'hostile', name: evil })
    expect(JSON.parse(h.output())).toEqual({ event: 'hostile', name: evil })
  })
})
