// The QR code in the code panel: it must scan as the address, on a dark terminal, and appear only
// when no browser opened here and the terminal has room for the whole panel.
import { describe, expect, test } from 'bun:test'
import { PassThrough } from 'node:stream'
import { ClackUi } from '../../src/ui/clack'
import { qrCodeLines } from '../../src/ui/qr-code'
import { createPaint } from '../../src/ui/style'
import { qrRowsOnScreen, scanTerminalQr } from '../helpers/terminal-qr'

const URL_COMPLETE = 'https://console.pensar.dev/device?user_code=BCDF-GHJK'
const code = { userCode: 'BCDF-GHJK', verificationUri: 'https://console.pensar.dev/device', verificationUriComplete: URL_COMPLETE, expiresInSec: 600 }

function panel(opts: { browser: { opened: true } | { opened: false; reason: string } | { skipped: true }; rows?: number; columns?: number; unicode?: boolean }) {
  const output = Object.assign(new PassThrough(), { columns: opts.columns ?? 100, rows: opts.rows ?? 50 })
  let written = ''
  output.on('data', (d) => (written += String(d)))
  const ui = new ClackUi({ input: new PassThrough(), output, paint: createPaint(false), unicode: opts.unicode ?? true })
  return { show: () => ui.showCode({ ...code, browser: opts.browser }), written: () => written }
}

describe('qrCodeLines', () => {
  test('scans as the address on a dark terminal, without inverting', async () => {
    expect(scanTerminalQr(await qrCodeLines(URL_COMPLETE))).toBe(URL_COMPLETE)
  })

  test('lines of one width, half as many as the modules', async () => {
    const lines = await qrCodeLines(URL_COMPLETE)
    const widths = new Set(lines.map((l) => [...l].length))
    expect(widths.size).toBe(1)
    expect(lines.length).toBe(Math.ceil([...lines[0]!].length / 2))
  })
})

describe('the code panel', () => {
  test('--no-browser on a roomy terminal: the QR code of the address, inside the panel', async () => {
    const p = panel({ browser: { skipped: true } })
    await p.show()
    const shown = p.written()
    expect(shown).toContain('or scan it with your phone:')
    expect(scanTerminalQr(qrRowsOnScreen(shown))).toBe(URL_COMPLETE)
    expect(new Set(shown.trimEnd().split('\n').map((row) => [...row].length)).size).toBe(1) // the frame stays aligned
    expect(shown.indexOf('B C D F - G H J K')).toBeLessThan(shown.indexOf('or scan it'))
  })

  test('a browser that could not be opened: the QR code too', async () => {
    const p = panel({ browser: { opened: false, reason: 'no display' } })
    await p.show()
    expect(p.written()).toContain('or scan it with your phone:')
  })

  test.each([
    ['the browser opened here', { browser: { opened: true } as const }],
    ['a terminal too short for the whole panel', { browser: { skipped: true } as const, rows: 24 }],
    ['a terminal too narrow', { browser: { skipped: true } as const, columns: 36 }],
    ['a terminal without Unicode', { browser: { skipped: true } as const, unicode: false }],
  ])('no QR code when %s, the rest as always', async (_name, opts) => {
    const p = panel(opts)
    await p.show()
    expect(p.written()).not.toContain('scan it')
    expect(p.written()).not.toMatch(/[█▀▄]/)
    expect(p.written()).toContain('B C D F - G H J K')
  })
})
