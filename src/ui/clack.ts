// A terminal. Prompts are clack's (loaded on first use, so commands that never prompt start
// fast); lines, the code panel, the spinner and single-key prompts are ours, because clack's
// spinner calls process.exit(0) on Ctrl-C and we must exit 130. Everything goes to stderr, but a
// command's answer (`report`), which goes to stdout: `pensar status 2>/dev/null` still shows it.
// Every line is fitted to the width (ui/fit.ts): a long one wraps at spaces inside the `│` gutter
// or the box, never mid-word and never past the edge.
// Every string given is made safe (lib/safe-text.ts) before it is painted: our own colours, links,
// clipboard copy and QR code are escape sequences we add around text that can hold none.
import type { Readable, Writable } from 'node:stream'
import { cancelledFrom, CancelledError } from '../lib/errors'
import { safeBlock, safeLines, safeText } from '../lib/safe-text'
import { toAscii } from './ascii'
import { columnsOf, cutToWidth, packRows, visibleLength, wrapLine } from './fit'
import { emitKeypresses, restoreMode, tolerateGoneTerminal } from './key-presses'
import { qrCodeLines } from './qr-code'
import type { Paint } from './style'
import { copyToClipboard, hyperlink } from './terminal-codes'
import { formatDuration, linesOf, spaceOut, textOf, type CodeDisplay, type JsonEvent, type KeyChoice, type Line, type Message, type Report, type SelectOption, type Spinner, type Tone, type Ui } from './ui'

type TtyIn = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }
type Out = (text: string) => void

/** A row of a box: safe text (it may carry our own colours), and its tone. */
interface BoxRow {
  text: string
  tone?: Tone
}

const TONE_COLOUR = { ok: 'green', warn: 'yellow', fail: 'red' } as const

export interface ClackUiDeps {
  input: TtyIn
  output: Writable
  paint: Paint
  unicode: boolean
  /** OSC 8: show the verification address as a link (a terminal with colour on). */
  hyperlinks?: boolean
  /** OSC 52: copy the user code to the clipboard (off with PENSAR_NO_CLIPBOARD=1). */
  clipboard?: boolean
  /** Where a command's answer (`report`, `result`) goes: stdout. Without it (tests), the output stream. */
  writeOut?: (text: string) => void
  /** The process's stop signal (SIGTERM, SIGHUP): an open prompt ends with it. */
  signal?: AbortSignal
}

export class ClackUi implements Ui {
  readonly interactive = true
  private readonly bar: string
  /** Our punctuation as the terminal can show it (ui/ascii.ts), before a line is fitted. */
  private readonly shown: (text: string) => string
  private readonly ellipsis: string

  constructor(private readonly deps: ClackUiDeps) {
    this.bar = deps.paint('gray', deps.unicode ? '│' : '|')
    this.shown = deps.unicode ? (text) => text : toAscii
    this.ellipsis = this.shown('…')
  }

  /** `lines` are safe already: the first after the symbol, the rest under the bar, each wrapped to fit. */
  private line(symbol: string, lines: readonly string[], out: Out = this.err) {
    const [first = '', ...rest] = lines.flatMap((l) => wrapLine(this.shown(l), this.columns() - 3))
    out(`${symbol}  ${first}\n${rest.map((l) => `${this.bar}  ${l}\n`).join('')}`)
  }

  private symbol(tone: Tone): string {
    const { paint, unicode } = this.deps
    if (tone === 'ok') return paint('green', unicode ? '◆' : '+')
    return tone === 'warn' ? paint('yellow', unicode ? '▲' : '!') : paint('red', unicode ? '■' : 'x')
  }

  info(message: Message) {
    this.line(this.deps.paint('cyan', this.deps.unicode ? '●' : '*'), safeLines(message))
  }
  success(message: Message) {
    this.line(this.symbol('ok'), safeLines(message))
  }
  warn(message: Message) {
    this.line(this.symbol('warn'), safeLines(message))
  }
  error(message: Message, hint?: string) {
    this.line(this.symbol('fail'), safeLines(hint ? [...linesOf(message), hint] : message))
  }
  note(title: string, lines: Line[]) {
    this.box(safeText(title), rowsOf(lines))
  }
  report({ title, lines, verdict }: Report) {
    const out = this.out
    this.box(safeText(title), rowsOf(lines), out)
    if (!verdict) return
    const text = safeText(verdict.text)
    this.line(this.symbol(verdict.tone), [verdict.tone === 'ok' ? text : this.deps.paint(TONE_COLOUR[verdict.tone], text)], out)
  }
  result(lines: Message) {
    this.out(safeBlock(lines))
  }

  /** stderr: the panel, the chatter. */
  private readonly err: Out = (text) => void this.deps.output.write(text)
  /** stdout: a command's answer. */
  private readonly out: Out = (text) => (this.deps.writeOut ?? this.err)(text)

  async showCode(code: CodeDisplay) {
    const { paint, output, hyperlinks } = this.deps
    const url = code.verificationUriComplete ?? code.verificationUri
    const openedHere = 'opened' in code.browser && code.browser.opened
    // No browser opened on this machine: the person may approve on another device, e.g. a phone.
    const qr = !openedHere && this.deps.unicode ? await qrCodeLines(url) : []
    // Only a code that needs no escaping goes to the clipboard, where it would be pasted as is.
    const clipboard = this.deps.clipboard && safeText(code.userCode) === code.userCode
    if (clipboard) output.write(copyToClipboard(code.userCode))
    const browser =
      'skipped' in code.browser
        ? 'Open this address in your browser:'
        : code.browser.opened
          ? 'Your browser has been opened at:'
          : `Could not open a browser (${safeText(code.browser.reason)}). Open this address yourself:`
    const room = this.columns() - 4
    const panel = [
      'Check that your browser shows this code:',
      '',
      ...this.codeLines(safeText(code.userCode), clipboard === true, room),
      '',
      browser,
      // A long address is cut into rows that fit, each a link to the whole address; hyperlink()
      // links only an address that needs no escaping.
      ...chunks(safeText(url), room).map((part) => paint('cyan', hyperlinks ? hyperlink(url, part) : part)),
    ]
    const withQr = [...panel, '', 'or scan it with your phone:', ...qr]
    const expiry = ['', paint('dim', `The code expires in ${formatDuration(code.expiresInSec * 1000)}.`)]
    const shown = qr.length > 0 && this.fits(withQr.length + expiry.length, qr[0]!.length) ? [...withQr, ...expiry] : [...panel, ...expiry]
    this.box('Log in to Pensar Console', shown.map((text) => ({ text })))
  }

  /** The code large and spaced where there is room; in a narrow terminal as typed, never split across rows. */
  private codeLines(userCode: string, copied: boolean, room: number): string[] {
    const { paint } = this.deps
    const spaced = `    ${spaceOut(userCode)}`
    const text = spaced.length <= room ? spaced : userCode
    const note = copied ? paint('dim', '(copied)') : ''
    const big = paint('bold', paint('cyan', text))
    if (!copied) return [big]
    return text.length + 2 + '(copied)'.length <= room ? [`${big}  ${note}`] : [big, note]
  }

  emit(_event: JsonEvent) {}

  async select<T>(opts: { message: string; options: SelectOption<T>[]; initial?: T }): Promise<T> {
    const clack = await loadClack(this.deps.unicode)
    tolerateGoneTerminal(this.deps.input)
    // Our legend instead of clack's "↑/↓ to navigate • Enter: confirm": one legend format everywhere,
    // its rows broken between items (as pressKey's), never inside one when clack wraps the message.
    const legend = this.legend(SELECT_KEYS.map(([key, label]) => [this.shown(key), label]))
    const answer = await clack.select<T>({
      message: this.shown([safeText(opts.message), ...legend].join('\n')),
      showInstructions: false,
      options: opts.options.map((o) => ({ value: o.value, label: this.shown(safeText(o.label)), hint: o.hint === undefined ? undefined : this.shown(safeText(o.hint)) })) as Parameters<typeof clack.select<T>>[0]['options'],
      initialValue: opts.initial,
      input: this.deps.input,
      output: this.deps.output,
      signal: this.deps.signal,
    })
    if (clack.isCancel(answer)) throw this.deps.signal?.aborted ? cancelledFrom(this.deps.signal) : new CancelledError()
    return answer as T
  }

  pressKey<V>(opts: { message: string; choices: KeyChoice<V>[] }): Promise<V> {
    const { input, paint } = this.deps
    const choices = opts.choices.map((c) => ({ ...c, label: safeText(c.label) }))
    const legend = this.legend(choices.map((c) => [keyName(c.key), c.label]))
    return new Promise<V>((resolve, reject) => {
      // Listening, in raw mode, before the question is drawn: a key pressed the moment it shows
      // never meets a terminal still in line mode, which would echo it onto the screen.
      emitKeypresses(input)
      const wasRaw = (input as { isRaw?: boolean }).isRaw ?? false
      input.setRawMode?.(true)
      input.resume()
      const signal = this.deps.signal
      const onAbort = () => {
        finish()
        reject(cancelledFrom(signal!))
      }
      const finish = () => {
        input.off('keypress', onKey)
        signal?.removeEventListener('abort', onAbort)
        restoreMode(input, wasRaw)
        input.pause()
      }
      const onKey = (str: string | undefined, key: { name?: string; ctrl?: boolean } = {}) => {
        if (key.ctrl && key.name === 'c') {
          finish()
          return reject(new CancelledError())
        }
        const pressed = key.name === 'return' || key.name === 'enter' ? 'enter' : key.name === 'escape' ? 'escape' : (str ?? key.name ?? '').toLowerCase()
        const choice = choices.find((c) => c.key === pressed)
        if (!choice) return
        finish()
        // No echo of the key: the flow says what the key did, in a sentence (docs/message-style.md).
        resolve(choice.value)
      }
      input.on('keypress', onKey)
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      this.line(paint('cyan', this.deps.unicode ? '◇' : 'o'), [safeText(opts.message), ...legend])
    })
  }

  spinner(message: string): Spinner {
    const { output, paint, unicode } = this.deps
    const frames = unicode ? ['◒', '◐', '◓', '◑'] : ['-', '\\', '|', '/']
    let text = this.shown(safeText(message))
    let frame = 0
    // One line only: a wrapped line could not be redrawn in place.
    const fit = (line: string) => cutToWidth(line, this.columns() - 4, this.ellipsis)
    const draw = () => output.write(`\r\x1b[2K${paint('cyan', frames[frame++ % frames.length]!)}  ${fit(text)}`)
    output.write('\x1b[?25l')
    draw()
    const timer = setInterval(draw, 120)
    return {
      update: (next) => {
        text = this.shown(safeText(next))
      },
      stop: (done) => {
        clearInterval(timer)
        output.write(`\r\x1b[2K\x1b[?25h`)
        if (done) this.success(done)
      },
    }
  }

  /** `Key label` items joined by ` · `, one key per item, rows broken between items so a narrow terminal never splits one. */
  private legend(items: readonly (readonly [key: string, label: string])[]): string[] {
    const { paint } = this.deps
    const rows = packRows(items, ([key, label]) => key.length + 1 + label.length, 3, this.columns() - 3)
    return rows.map((row) => row.map(([key, label]) => `${paint('bold', key)} ${label}`).join(paint('dim', ' · ')))
  }

  private columns(): number {
    return columnsOf(this.deps.output)
  }

  /**
   * Whether a box of `lines` lines, none wider than `width`, fits the terminal whole, with a
   * line to spare for the spinner below it: a taller one would scroll the code off the screen.
   */
  private fits(lines: number, width: number): boolean {
    const rows = (this.deps.output as { rows?: number }).rows ?? 0
    return lines + 3 <= rows && width + 4 <= this.columns()
  }

  /** `title` and the rows are safe already (and may carry our own colours); a row's tone paints it. */
  private box(fullTitle: string, given: readonly BoxRow[], out: Out = this.err) {
    const { paint, unicode } = this.deps
    const [tl, tr, bl, br, h, v] = unicode ? ['╭', '╮', '╰', '╯', '─', '│'] : ['+', '+', '+', '+', '-', '|']
    const title = cutToWidth(this.shown(fullTitle), this.columns() - 6, this.ellipsis)
    // A line wider than the terminal wraps inside the box: a terminal's own wrap breaks the frame.
    const lines = given.flatMap((row) => wrapLine(this.shown(row.text), this.columns() - 4).map((text) => this.toned(text, row.tone)))
    const width = Math.max(title.length + 2, ...lines.map((l) => visibleLength(l))) + 2
    let text = `${paint('gray', `${tl}${h} `)}${paint('bold', title)} ${paint('gray', `${h.repeat(Math.max(0, width - title.length - 3))}${tr}`)}\n`
    for (const l of lines) text += `${paint('gray', v)} ${l}${' '.repeat(Math.max(0, width - visibleLength(l) - 1))}${paint('gray', v)}\n`
    out(`${text}${paint('gray', `${bl}${h.repeat(width)}${br}`)}\n`)
  }

  /** A warning or failure row in its colour; a fine one only marks its `✓` green. */
  private toned(row: string, tone: Tone | undefined): string {
    const { paint } = this.deps
    if (tone === 'warn' || tone === 'fail') return paint(TONE_COLOUR[tone], row)
    const mark = this.shown('✓')
    if (tone === 'ok' && row.startsWith(mark)) return `${paint('green', mark)}${row.slice(mark.length)}`
    return row
  }
}

function rowsOf(lines: readonly Line[]): BoxRow[] {
  return lines.map((l) => ({ text: safeText(textOf(l)), tone: typeof l === 'string' ? undefined : l.tone }))
}

/** The keys of a list to choose from (clack's select), in the legend format of every key prompt. */
const SELECT_KEYS = [['↑↓', 'choose'], ['Enter', 'confirm'], ['Esc', 'cancel']] as const

/**
 * clack picks its prompt symbols once, when it is loaded, from TERM alone (`linux` means ASCII),
 * not the locale: with Unicode off (LANG=C…) it is loaded as for the Linux console.
 */
async function loadClack(unicode: boolean): Promise<typeof import('@clack/prompts')> {
  if (unicode) return import('@clack/prompts')
  const term = process.env.TERM
  process.env.TERM = 'linux'
  try {
    return await import('@clack/prompts')
  } finally {
    if (term === undefined) delete process.env.TERM
    else process.env.TERM = term
  }
}

/** `text` in pieces of at most `size` characters (at least 8, or they stop being readable). */
function chunks(text: string, size: number): string[] {
  const width = Math.max(8, size)
  const parts: string[] = []
  for (let i = 0; i < text.length; i += width) parts.push(text.slice(i, i + width))
  return parts
}

function keyName(key: string): string {
  return key === 'enter' ? 'Enter' : key === 'escape' ? 'Esc' : safeText(key.toUpperCase())
}
