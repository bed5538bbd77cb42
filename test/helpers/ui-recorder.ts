// A Ui for tests: keeps everything said, answers prompts from a script keyed by a piece of the
// prompt's message, and throws on a prompt nobody scripted (gh's NoSuchPromptErr).
import { CancelledError, UsageError } from '../../src/lib/errors'
import { linesOf, type CodeDisplay, type JsonEvent, type KeyChoice, type Message, type SelectOption, type Spinner, type Ui } from '../../src/ui/ui'

export const CANCEL = Symbol('cancel')

type Answer = unknown | typeof CANCEL | ((options: { value: unknown; label: string }[]) => unknown)

export interface RecordedLine {
  kind: 'info' | 'success' | 'warn' | 'error' | 'note' | 'spinner'
  text: string
}

export interface RecordedPrompt {
  kind: 'select' | 'pressKey'
  message: string
  options: { value: unknown; label: string }[]
  initial?: unknown
}

export class UiRecorder implements Ui {
  readonly lines: RecordedLine[] = []
  readonly events: JsonEvent[] = []
  /** What `result` wrote (stdout), in order. */
  readonly results: string[] = []
  readonly codes: CodeDisplay[] = []
  readonly prompts: RecordedPrompt[] = []
  private readonly script: { match: string; answers: Answer[] }[] = []

  constructor(readonly interactive = true) {}

  /** Answers the next prompts whose message contains `match`, in order. */
  answer(match: string, ...answers: Answer[]): this {
    this.script.push({ match, answers })
    return this
  }

  // A message of several lines is recorded as one text, its lines joined by \n.
  info(text: Message) {
    this.lines.push({ kind: 'info', text: joined(text) })
  }
  success(text: Message) {
    this.lines.push({ kind: 'success', text: joined(text) })
  }
  warn(text: Message) {
    this.lines.push({ kind: 'warn', text: joined(text) })
  }
  error(text: Message, hint?: string) {
    this.lines.push({ kind: 'error', text: hint ? `${joined(text)}\n${hint}` : joined(text) })
  }
  note(title: string, lines: string[]) {
    this.lines.push({ kind: 'note', text: [title, ...lines].join('\n') })
  }
  showCode(code: CodeDisplay) {
    this.codes.push(code)
  }
  emit(event: JsonEvent) {
    this.events.push(event)
  }
  result(lines: Message) {
    this.results.push(linesOf(lines).join('\n'))
  }

  async select<T>(opts: { message: string; options: SelectOption<T>[]; initial?: T }): Promise<T> {
    return (await this.prompt('select', opts.message, opts.options, opts.initial)) as T
  }

  async pressKey<V>(opts: { message: string; choices: KeyChoice<V>[] }): Promise<V> {
    return (await this.prompt('pressKey', opts.message, opts.choices.map((c) => ({ value: c.value, label: `${c.key}: ${c.label}` })))) as V
  }

  spinner(message: string): Spinner {
    this.lines.push({ kind: 'spinner', text: message })
    return {
      update: () => {},
      stop: (done) => {
        if (done) this.lines.push({ kind: 'success', text: done })
      },
    }
  }

  /** Everything said, one line per call, for `toContain` checks. */
  get text(): string {
    return this.lines.map((l) => `${l.kind}: ${l.text}`).join('\n')
  }

  unansweredScript(): string[] {
    return this.script.filter((s) => s.answers.length > 0).map((s) => s.match)
  }

  private async prompt(kind: RecordedPrompt['kind'], message: string, options: { value: unknown; label: string }[], initial?: unknown) {
    this.prompts.push({ kind, message, options, initial })
    if (!this.interactive) throw new UsageError(`Cannot ask "${message}" without a terminal.`)
    const entry = this.script.find((s) => s.answers.length > 0 && message.includes(s.match))
    if (!entry) throw new Error(`UiRecorder: no scripted answer for ${kind} "${message}"`)
    const answer = entry.answers.shift()
    if (answer === CANCEL) throw new CancelledError()
    return typeof answer === 'function' ? (answer as (o: typeof options) => unknown)(options) : answer
  }
}

const joined = (message: Message) => linesOf(message).join('\n')
