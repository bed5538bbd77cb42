// No terminal: plain, stable lines (logs, CI, pipes): a command's answer (`report`) on stdout, the
// rest on stderr. Never prompts: a prompt on a closed stdin would never return, so select/pressKey
// fail with a UsageError naming the flag.
// Every string given is passed through safeText first (ui.ts, lib/safe-text.ts): stderr may still be a terminal.
import { UsageError } from '../lib/errors'
import { safeBlock, safeJson, safeLines, safeText } from '../lib/safe-text'
import { formatDuration, linesOf, textOf, type CodeDisplay, type JsonEvent, type KeyChoice, type Line, type Message, type Report, type SelectOption, type Spinner, type Ui } from './ui'

export type Write = (text: string) => void

export class PlainUi implements Ui {
  readonly interactive: boolean = false

  /** `writeOut`: where a command's answer goes (stdout). */
  constructor(
    protected readonly writeErr: Write,
    protected readonly writeOut: Write = writeErr,
  ) {}

  result(lines: Message) {
    this.writeOut(safeBlock(lines))
  }

  info(message: Message) {
    this.lines(message)
  }
  success(message: Message) {
    this.lines(message)
  }
  warn(message: Message) {
    this.lines(message, 'Warning: ')
  }
  error(message: Message, hint?: string) {
    this.lines(hint === undefined ? message : [...linesOf(message), hint], 'Error: ')
  }
  note(title: string, lines: Line[]) {
    this.writeErr(block(title, lines))
  }
  report(report: Report) {
    this.writeOut(reportText(report))
  }
  showCode(code: CodeDisplay) {
    const url = safeText(code.verificationUriComplete ?? code.verificationUri)
    this.writeErr(
      `To log in, open this address in a browser:\n  ${url}\n` +
        `and check that it shows the code ${safeText(code.userCode)}\n` +
        `(code entry page: ${safeText(code.verificationUri)}; the code expires in ${formatDuration(code.expiresInSec * 1000)})\n` +
        ('opened' in code.browser && !code.browser.opened ? `Could not open a browser: ${safeText(code.browser.reason)}. Open the address yourself.\n` : ''),
    )
  }
  emit(_event: JsonEvent) {}
  select<T>(opts: { message: string; options: SelectOption<T>[]; initial?: T }): Promise<T> {
    return Promise.reject(new UsageError(`Cannot ask "${opts.message}" without a terminal.`))
  }
  pressKey<V>(opts: { message: string; choices: KeyChoice<V>[] }): Promise<V> {
    return Promise.reject(new UsageError(`Cannot ask "${opts.message}" without a terminal.`))
  }
  spinner(message: string): Spinner {
    this.lines(message)
    return {
      update: () => {},
      stop: (done) => {
        if (done) this.lines(done)
      },
    }
  }

  /** Each line made safe, the first one after `prefix`. */
  private lines(message: Message, prefix = '') {
    this.writeErr(`${prefix}${safeLines(message).join('\n')}\n`)
  }
}

/** The title, then each line indented: `  Label:       value`. The words carry the tone. */
function block(title: string, lines: readonly Line[]): string {
  return `${safeText(title)}\n${lines.map((l) => `  ${safeText(textOf(l))}\n`).join('')}`
}

function reportText({ title, lines, verdict }: Report): string {
  return block(title, lines) + (verdict ? `${safeText(verdict.text)}\n` : '')
}

/** `--json`: one event object per line on stdout and nothing else there; chatter (a report and a result too) on stderr. */
export class JsonUi extends PlainUi {
  override result(lines: Message) {
    this.writeErr(safeBlock(lines))
  }
  override report(report: Report) {
    this.writeErr(reportText(report))
  }
  override emit(event: JsonEvent) {
    // The raw values, exactly; what could drive a terminal is \u-escaped (safeJson).
    this.writeOut(`${safeJson(event)}\n`)
  }
}

