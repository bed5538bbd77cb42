import { describe, expect, test } from 'bun:test'
import { PassThrough } from 'node:stream'
import { CancelledError, UsageError } from '../../src/lib/errors'
import { ClackUi } from '../../src/ui/clack'
import { JsonUi, PlainUi } from '../../src/ui/plain'
import { createPaint, supportsUnicode } from '../../src/ui/style'
import { formatDuration, formatMoney, spaceOut } from '../../src/ui/ui'

const code = { userCode: 'BCDF-GHJK', verificationUri: 'https://c/device', verificationUriComplete: 'https://c/device?user_code=BCDF-GHJK', expiresInSec: 600 }

function clackUi(opts: { color?: boolean; hyperlinks?: boolean; clipboard?: boolean; signal?: AbortSignal; unicode?: boolean } = {}) {
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(raw: boolean) { input.isRaw = raw } })
  let out = ''
  const output = Object.assign(new PassThrough(), { columns: 80 })
  output.on('data', (d) => (out += String(d)))
  const ui = new ClackUi({ input, output, paint: createPaint(opts.color ?? false), unicode: opts.unicode ?? true, hyperlinks: opts.hyperlinks, clipboard: opts.clipboard, signal: opts.signal })
  return { ui, input, output: () => out, setColumns: (n: number) => (output.columns = n) }
}

/** What the terminal shows: no colour, no link or clipboard sequences. */
const screenText = (text: string) => text.replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\]52;[^\x07]*\x07/g, '')

const waitFor = async (check: () => boolean) => {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition never held')
    await new Promise((r) => setImmediate(r))
  }
}

describe('formatting', () => {
  test('money, durations and the spaced code', () => {
    expect(formatMoney(0.42)).toBe('$0.42')
    expect(formatMoney(50)).toBe('$50.00')
    expect(formatDuration(600_000)).toBe('10m 00s')
    expect(formatDuration(59_001)).toBe('1m 00s')
    expect(formatDuration(5_000)).toBe('5s')
    expect(formatDuration(-1)).toBe('0s')
    expect(spaceOut('BCDF-GHJK')).toBe('B C D F - G H J K')
  })
})

describe('PlainUi (no terminal)', () => {
  test('writes plain lines to stderr and shows the code and the URL', () => {
    let err = ''
    const ui = new PlainUi((s) => (err += s))
    ui.showCode({ ...code, browser: { opened: false, reason: 'no display' } })
    ui.warn('careful')
    expect(err).toContain('https://c/device?user_code=BCDF-GHJK')
    expect(err).toContain('BCDF-GHJK')
    expect(err).toContain('Could not open a browser: no display.')
    expect(err).toContain('Warning: careful')
    expect(err).not.toContain('\x1b[')
  })

  test('never prompts: a UsageError instead', async () => {
    const ui = new PlainUi(() => {})
    expect(await ui.select({ message: 'Pick', options: [] }).catch((e) => e)).toBeInstanceOf(UsageError)
    expect(await ui.pressKey({ message: 'Key', choices: [] }).catch((e) => e)).toBeInstanceOf(UsageError)
  })
})

describe('JsonUi', () => {
  test('events on stdout, one per line; everything else on stderr', () => {
    let out = ''
    let err = ''
    const ui = new JsonUi((s) => (err += s), (s) => (out += s))
    ui.info('hello')
    ui.emit({ event: 'authorized' })
    ui.showCode({ ...code, browser: { skipped: true } })
    expect(out).toBe('{"event":"authorized"}\n')
    expect(err).toContain('hello')
    expect(err).toContain('BCDF-GHJK')
  })
})

describe('ClackUi (terminal)', () => {
  test('shows the code large and spaced, with the URL', () => {
    const { ui, output } = clackUi()
    ui.showCode({ ...code, browser: { opened: true } })
    expect(output()).toContain('B C D F - G H J K')
    expect(output()).toContain('https://c/device?user_code=BCDF-GHJK')
    expect(output()).toContain('Your browser has been opened')
  })

  test('a 20-column terminal: the panel fits, the code stays on one row, the address is cut into linked rows', async () => {
    const { ui, output, setColumns } = clackUi({ color: true, hyperlinks: true, clipboard: true })
    setColumns(20)
    await ui.showCode({ ...code, browser: { opened: true } })
    const rows = screenText(output()).trimEnd().split('\n')
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(20)
    expect(rows.some((row) => row.includes('BCDF-GHJK'))).toBe(true)
    expect(rows.join('').replace(/[│ ]/g, '')).toContain('https://c/device?user_code=BCDF-GHJK')
    // Every piece of the address opens the whole address.
    expect(output().match(/\x1b\]8;;https:\/\/c\/device\?user_code=BCDF-GHJK\x1b\\/g)!.length).toBeGreaterThan(1)
  })

  test('a process stop (SIGTERM, SIGHUP) ends an open key prompt with that cancellation', async () => {
    const stop = new AbortController()
    const { ui, input, output } = clackUi({ signal: stop.signal })
    const answer = ui.pressKey({ message: 'What next?', choices: [{ key: 'enter', value: 1, label: 'keep' }] })
    await waitFor(() => output().includes('What next?'))
    stop.abort(new CancelledError('Stopped by SIGTERM.', { exitCode: 143 }))
    const error = await answer.catch((e) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(error.exitCode).toBe(143)
    expect(input.isRaw).toBe(false)
  })

  test('a terminal that went away (SIGHUP, EIO on every mode change) still ends the key prompt with the cancellation', async () => {
    const stop = new AbortController()
    const { ui, input, output } = clackUi({ signal: stop.signal })
    const answer = ui.pressKey({ message: 'What next?', choices: [{ key: 'enter', value: 1, label: 'keep' }] })
    await waitFor(() => output().includes('What next?'))
    input.setRawMode = () => {
      throw Object.assign(new Error('EIO: i/o error, tcsetattr'), { code: 'EIO' })
    }
    stop.abort(new CancelledError('Stopped by SIGHUP.', { exitCode: 129 }))
    const error = await answer.catch((e) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(error.exitCode).toBe(129)
  })

  test('says so when the browser could not be opened', async () => {
    const { ui, output } = clackUi()
    await ui.showCode({ ...code, browser: { opened: false, reason: 'no display' } })
    expect(output()).toContain('Could not open a browser (no display)')
  })

  test('pressKey answers a letter or Enter, in raw mode, and restores the mode', async () => {
    const { ui, input, output } = clackUi()
    const choices = [{ key: 'b', value: 'open', label: 'open billing' }, { key: 'enter', value: 'continue', label: 'continue' }]
    const first = ui.pressKey({ message: 'Press B', choices })
    await waitFor(() => output().includes('Press B'))
    expect(input.isRaw).toBe(true)
    input.write('x')
    input.write('B')
    expect(await first).toBe('open')
    expect(input.isRaw).toBe(false)
    const second = ui.pressKey({ message: 'Again', choices })
    await waitFor(() => output().includes('Again'))
    input.write('\r')
    expect(await second).toBe('continue')
  })

  test('pressKey breaks a long legend between keys to fit the terminal, and a note wraps inside its box', async () => {
    const { ui, input, output, setColumns } = clackUi()
    setColumns(60)
    const choices = ['switch workspace', 'open billing page', 'log in again', 'disconnect'].map((label, i) => ({ key: 'sbld'[i]!, value: i, label }))
    const answer = ui.pressKey({ message: 'What next?', choices: [...choices, { key: 'enter', value: 9, label: 'keep' }] })
    await waitFor(() => output().includes('Enter keep'))
    input.write('\r')
    expect(await answer).toBe(9)
    ui.note('Title', [`Online:      ${'word '.repeat(20)}`])
    const rows = output().trimEnd().split('\n')
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(60)
    expect(rows).toContain('│  S switch workspace · B open billing page · L log in again')
    expect(rows).toContain('│  D disconnect · Enter keep')
  })

  test('Ctrl-C on a key prompt is a CancelledError', async () => {
    const { ui, input, output } = clackUi()
    const answer = ui.pressKey({ message: 'Press', choices: [{ key: 'enter', value: 1, label: 'go' }] })
    await waitFor(() => output().includes('Press'))
    input.write('\x03')
    expect(await answer.catch((e) => e)).toBeInstanceOf(CancelledError)
    expect(input.isRaw).toBe(false)
  })

  test('the select shows each label and returns the chosen value', async () => {
    const { ui, input, output } = clackUi()
    const answer = ui.select({ message: 'Which workspace', options: [{ value: 'a', label: 'Acme (acme) — $50.00' }, { value: 'b', label: 'Low (low) — $0.42' }] })
    await waitFor(() => output().includes('Low (low) — $0.42'))
    input.write('\x1b[B') // down
    input.write('\r')
    expect(await answer).toBe('b')
  })
})

describe('supportsUnicode', () => {
  test('ASCII on the Linux console and the old Windows console, symbols elsewhere', () => {
    expect(supportsUnicode({ TERM: 'linux' }, 'linux')).toBe(false)
    expect(supportsUnicode({ TERM: 'xterm-256color' }, 'linux')).toBe(true)
    expect(supportsUnicode({}, 'darwin')).toBe(true)
    expect(supportsUnicode({}, 'win32')).toBe(false)
    expect(supportsUnicode({ WT_SESSION: 'abc' }, 'win32')).toBe(true)
  })

  test('without Unicode, our own punctuation is drawn in ASCII too, and fitted after', async () => {
    const { ui, input, output, setColumns } = clackUi({ unicode: false })
    setColumns(32)
    ui.report({ title: 'What a login needs — every check of it', lines: [{ text: '✓ Home: fine', tone: 'ok' }, '✗ API — can’t reach it'] })
    ui.warn('Low credit balance… top up')
    const answer = ui.pressKey({ message: 'What next?', choices: [{ key: 'enter', value: 1, label: 'keep' }, { key: 'escape', value: 2, label: 'cancel' }] })
    await waitFor(() => output().includes('What next?'))
    input.write('\r')
    expect(await answer).toBe(1)
    const screen = screenText(output())
    expect(screen.match(/[^\x00-\x7f]/g) ?? []).toEqual([])
    for (const row of screen.trimEnd().split('\n')) expect(row.length).toBeLessThanOrEqual(32)
    expect(screen).toContain('+- What a login needs -... -+')
    expect(screen).toContain('| + Home: fine')
    expect(screen).toContain("can't reach it")
    expect(screen).toContain('Low credit balance...')
    expect(screen).toContain('Enter keep - Esc cancel')
  })

  test('ASCII when the locale is not UTF-8 (LC_ALL, then LC_CTYPE, then LANG)', () => {
    expect(supportsUnicode({ LANG: 'C' }, 'linux')).toBe(false)
    expect(supportsUnicode({ LANG: 'POSIX' }, 'linux')).toBe(false)
    expect(supportsUnicode({ LANG: 'en_US.ISO-8859-1' }, 'linux')).toBe(false)
    expect(supportsUnicode({ LANG: 'en_US.UTF-8' }, 'linux')).toBe(true)
    expect(supportsUnicode({ LANG: 'C.utf8' }, 'linux')).toBe(true)
    expect(supportsUnicode({ LC_ALL: 'C', LANG: 'en_US.UTF-8' }, 'linux')).toBe(false)
    expect(supportsUnicode({ LC_CTYPE: 'en_GB.UTF-8', LANG: 'C' }, 'linux')).toBe(true)
  })
})
