// A Ui for tests: keeps everything said, answers prompts from a script keyed by a piece of the
// prompt's message, and throws on a prompt nobody scripted (gh's NoSuchPromptErr). Everything said
// is checked against the message style as it is said (message-style.ts): a flow test that makes a
// flow say something off-style fails, so every message a flow test reaches is covered.
import { CancelledError, UsageError } from '../../src/lib/errors'
import { linesOf, textOf, type CodeDisplay, type JsonEvent, type KeyChoice, type Line, type Message, type Report, type SelectOption, type Spinner, type Ui } from '../../src/ui/ui'
import { noteStyle, type MessageKind } from './message-style'

export const CANCEL = Symbol('cancel')

type Answer = unknown | typeof CANCEL | ((options: { value: unknown; label: string }[]) => unknown)

export interface RecordedLine {
  kind: 'info' | 'success' | 'warn' | 'error' | 'note' | 'report' | 'spinner'
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
  /** What `report` was given (the answer on stdout), tones included. */
  readonly reports: Report[] = []
  private readonly script: { match: string; answers: Answer[] }[] = []

  constructor(readonly interactive = true) {}

  /** Answers the next prompts whose message contains `match`, in order. */
  answer(match: string, ...answers: Answer[]): this {
    this.script.push({ match, answers })
    return this
  }

  // A message of several lines is recorded as one text, its lines joined by \n.
  info(text: Message) {
    this.record('info', joined(text))
  }
  success(text: Message) {
    this.record('success', joined(text))
  }
  warn(text: Message) {
    this.record('warn', joined(text))
  }
  error(text: Message, hint?: string) {
    this.record('error', hint ? `${joined(text)}\n${hint}` : joined(text))
  }
  note(title: string, lines: Line[]) {
    this.record('note', [title, ...lines.map(textOf)].join('\n'))
  }
  report(report: Report) {
    this.reports.push(report)
    this.record('report', [report.title, ...report.lines.map(textOf), ...(report.verdict ? [report.verdict.text] : [])].join('\n'))
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
    for (const choice of opts.choices) noteStyle(choice.label, 'key')
    return (await this.prompt('pressKey', opts.message, opts.choices.map((c) => ({ value: c.value, label: `${c.key}: ${c.label}` })))) as V
  }

  spinner(message: string): Spinner {
    this.record('spinner', message)
    return {
      update: (next) => noteStyle(next, 'spinner'),
      stop: (done) => {
        if (done) this.record('success', done)
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

  private record(kind: RecordedLine['kind'], text: string) {
    noteStyle(text, kind)
    this.lines.push({ kind, text })
  }

  private async prompt(kind: RecordedPrompt['kind'], message: string, options: { value: unknown; label: string }[], initial?: unknown) {
    noteStyle(message, 'prompt' satisfies MessageKind)
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
