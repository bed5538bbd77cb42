import { describe, expect, test } from 'bun:test'
import { PassThrough } from 'node:stream'
import { createContext } from '../../src/context'
import { ClackUi } from '../../src/ui/clack'
import { createPaint } from '../../src/ui/style'
import { clipboardWanted, copyToClipboard, hyperlink } from '../../src/ui/terminal-codes'
import { captureIo } from '../helpers/process-io'

const code = { userCode: 'BCDF-GHJK', verificationUri: 'https://c/device', verificationUriComplete: 'https://c/device?user_code=BCDF-GHJK', expiresInSec: 600 }
const OSC8_OPEN = '\x1b]8;;https://c/device?user_code=BCDF-GHJK\x1b\\'
const OSC52 = `\x1b]52;c;${Buffer.from('BCDF-GHJK').toString('base64')}\x07`

describe('escape sequences', () => {
  test('OSC 8 wraps the text in a link to the URL, closed with an empty link', async () => {
    expect(hyperlink('https://x.test/a?b=1')).toBe('\x1b]8;;https://x.test/a?b=1\x1b\\https://x.test/a?b=1\x1b]8;;\x1b\\')
    expect(hyperlink('https://x.test/', 'here')).toBe('\x1b]8;;https://x.test/\x1b\\here\x1b]8;;\x1b\\')
  })

  test('a URL with control, C1 or bidi characters is never put inside a sequence: it is shown escaped', async () => {
    expect(hyperlink('https://x.test/\x07\x1b]52;c;evil\x07')).toBe('https://x.test/\\x07\\x1b]52;c;evil\\x07')
    // U+009C is the 8-bit string terminator: it would end the link early where C1 controls are obeyed.
    expect(hyperlink('https://x.test/\x9c\x9b2J')).toBe('https://x.test/\\x9c\\x9b2J')
    expect(hyperlink('https://x.test/\u202efdp')).toBe('https://x.test/\\u202efdp')
  })

  test('the text of a link is shown safe', async () => {
    expect(hyperlink('https://x.test/', 'a\x1b[2Jb')).toBe('\x1b]8;;https://x.test/\x1b\\a\\x1b[2Jb\x1b]8;;\x1b\\')
  })

  test('OSC 52 carries the text base64-encoded for the clipboard selection, ended by BEL', async () => {
    expect(copyToClipboard('BCDF-GHJK')).toBe('\x1b]52;c;QkNERi1HSEpL\x07')
  })

  test('the clipboard is used unless PENSAR_NO_CLIPBOARD is set or the terminal ignores OSC 52', async () => {
    expect(clipboardWanted({})).toBe(true)
    expect(clipboardWanted({ PENSAR_NO_CLIPBOARD: '1' })).toBe(false)
    expect(clipboardWanted({ PENSAR_NO_CLIPBOARD: 'yes' })).toBe(false)
    expect(clipboardWanted({ PENSAR_NO_CLIPBOARD: '0' })).toBe(true)
    expect(clipboardWanted({ VTE_VERSION: '7600' })).toBe(false)
    expect(clipboardWanted({ TERM: 'dumb' })).toBe(false)
  })
})

/** The UI main() would build, fed a code, and everything it wrote. */
async function showCodeThrough(vars: Record<string, string | undefined>, opts: { tty: boolean; json?: boolean }) {
  const io = captureIo({ vars: { NO_COLOR: undefined, TERM: 'xterm-256color', ...vars }, tty: opts.tty })
  const ctx = await createContext({ json: opts.json ?? false, debug: false }, io)
  ctx.ui.showCode({ ...code, browser: { opened: true } })
  return { out: io.out(), err: io.err(), interactive: ctx.ui.interactive }
}

describe('the code panel', () => {
  test('on a terminal with colour: the URL is a link and the code is copied, marked "(copied)"', async () => {
    const { err, out, interactive } = await showCodeThrough({}, { tty: true })
    expect(interactive).toBe(true)
    expect(err).toContain(OSC8_OPEN)
    expect(err).toContain(OSC52)
    expect(err).toContain('(copied)')
    expect(err.indexOf(OSC52)).toBeLessThan(err.indexOf('B C D F'))
    expect(out).toBe('')
  })

  test('the link takes no room: the frame of the panel stays aligned', async () => {
    const output = Object.assign(new PassThrough(), { columns: 120 })
    let written = ''
    output.on('data', (d) => (written += String(d)))
    new ClackUi({ input: new PassThrough(), output, paint: createPaint(true), unicode: true, hyperlinks: true, clipboard: true }).showCode({ ...code, browser: { opened: true } })
    const shown = written.replace(/\x1b\[[0-9;]*m|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    const widths = new Set(shown.trimEnd().split('\n').map((row) => row.length))
    expect(widths.size).toBe(1)
    expect(written).toContain(OSC8_OPEN)
  })

  test('PENSAR_NO_CLIPBOARD=1: nothing copied and no "(copied)"; the link stays', async () => {
    const { err } = await showCodeThrough({ PENSAR_NO_CLIPBOARD: '1' }, { tty: true })
    expect(err).not.toContain('\x1b]52')
    expect(err).not.toContain('(copied)')
    expect(err).toContain(OSC8_OPEN)
  })

  test('NO_COLOR: a plain URL, but the code is still copied', async () => {
    const { err } = await showCodeThrough({ NO_COLOR: '1' }, { tty: true })
    expect(err).not.toContain('\x1b]8')
    expect(err).toContain('https://c/device?user_code=BCDF-GHJK')
    expect(err).toContain(OSC52)
  })

  test.each([
    ['plain (no terminal)', { tty: false }],
    ['--json on a terminal', { tty: true, json: true }],
    ['--json without a terminal', { tty: false, json: true }],
  ])('%s: no escape sequence at all, on stdout or stderr', async (_name, opts) => {
    const { out, err, interactive } = await showCodeThrough({}, opts)
    expect(interactive).toBe(false)
    expect(err).toContain('https://c/device?user_code=BCDF-GHJK')
    expect(out + err).not.toContain('\x1b')
    expect(out + err).not.toContain('(copied)')
  })

  test('CI on a terminal is plain too', async () => {
    const { out, err } = await showCodeThrough({ CI: 'true' }, { tty: true })
    expect(out + err).not.toContain('\x1b')
  })
})
