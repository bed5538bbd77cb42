// No terminal: plain, stable lines on stderr (logs, CI, pipes). Never prompts: a prompt on a
// closed stdin would never return, so select/pressKey fail with a UsageError naming the flag.
import { UsageError } from '../lib/errors'
import { formatDuration, type CodeDisplay, type JsonEvent, type KeyChoice, type SelectOption, type Spinner, type Ui } from './ui'

export type Write = (text: string) => void

export class PlainUi implements Ui {
  readonly interactive: boolean = false

  constructor(
    protected readonly writeErr: Write,
    protected readonly writeOut: Write = writeErr,
  ) {}

  result(text: string) {
    this.writeOut(withNewline(text))
  }

  info(message: string) {
    this.writeErr(`${message}\n`)
  }
  success(message: string) {
    this.writeErr(`${message}\n`)
  }
  warn(message: string) {
    this.writeErr(`Warning: ${message}\n`)
  }
  error(message: string, hint?: string) {
    this.writeErr(`Error: ${message}\n${hint ? `${hint}\n` : ''}`)
  }
  note(title: string, lines: string[]) {
    this.writeErr(`${title}\n${lines.map((l) => `  ${l}\n`).join('')}`)
  }
  showCode(code: CodeDisplay) {
    const url = code.verificationUriComplete ?? code.verificationUri
    this.writeErr(
      `To log in, open this address in a browser:\n  ${url}\n` +
        `and check that it shows the code ${code.userCode}\n` +
        `(code entry page: ${code.verificationUri}; the code expires in ${formatDuration(code.expiresInSec * 1000)})\n` +
        ('opened' in code.browser && !code.browser.opened ? `Could not open a browser: ${code.browser.reason}. Open the address yourself.\n` : ''),
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
    this.writeErr(`${message}\n`)
    return {
      update: () => {},
      stop: (done) => {
        if (done) this.writeErr(`${done}\n`)
      },
    }
  }
}

/** `--json`: one event object per line on stdout and nothing else there; chatter on stderr. */
export class JsonUi extends PlainUi {
  override result(text: string) {
    this.writeErr(withNewline(text))
  }
  override emit(event: JsonEvent) {
    this.writeOut(`${JSON.stringify(event)}\n`)
  }
}

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`)
