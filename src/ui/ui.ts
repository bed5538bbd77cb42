// What flows may say and ask, in our own words (docs/message-style.md). Three implementations:
// clack.ts (a terminal), plain.ts's PlainUi (no terminal: plain lines) and JsonUi (`--json`:
// events on stdout, the plain lines on stderr). Tests use test/helpers/ui-recorder.ts.
// Streams: a command's answer (`report`) goes to stdout; progress, prompts, warnings and errors to
// stderr; with `--json`, stdout holds the JSON events only.
// Every string given to a Ui is text, never markup: each implementation passes all of it through
// safeText (lib/safe-text.ts), so a server's name or error can never drive the terminal, and a new
// print site cannot forget to. A line break inside a string is shown as `\n` too: a message of
// several lines is given as an array of lines.
import { shortened } from '../lib/safe-text'

export interface SelectOption<T> {
  value: T
  label: string
  hint?: string
}

export interface KeyChoice<V> {
  /** A letter (`b`), or `enter` / `escape`. */
  key: string
  value: V
  label: string
}

export interface Spinner {
  update(message: string): void
  /** Clears the spinner, leaving `message` (if any) as a finished line. */
  stop(message?: string): void
}

export interface CodeDisplay {
  userCode: string
  verificationUri: string
  verificationUriComplete?: string
  expiresInSec: number
  /** What happened when we tried to open the browser. */
  browser: { opened: true } | { opened: false; reason: string } | { skipped: true }
}

/** One line of `--json` output. `event` names it; the rest is the event's data. */
export interface JsonEvent {
  event: string
  [field: string]: unknown
}

/** One line, or several (each shown on its own line; a `\n` inside one is shown, not obeyed). */
export type Message = string | readonly string[]

export function linesOf(message: Message): readonly string[] {
  return typeof message === 'string' ? [message] : message
}

/** How a line of a box or report went: painted green, yellow or red on a terminal with colour. */
export type Tone = 'ok' | 'warn' | 'fail'

/**
 * A line with a tone. The colour only adds emphasis: the words must say it too ("(low)", "not set
 * up", "(failed)"), so nothing is lost with NO_COLOR or in a pipe (docs/message-style.md).
 */
export interface TonedLine {
  text: string
  tone: Tone
}

export type Line = string | TonedLine

export function textOf(line: Line): string {
  return typeof line === 'string' ? line : line.text
}

/** A command's answer: the status report, the doctor report, a list. */
export interface Report {
  title: string
  lines: Line[]
  /** The last line, how it went as a whole. */
  verdict?: TonedLine
}

export interface Ui {
  /** True when prompts are possible: stdin and stdout are terminals and --json is off. */
  readonly interactive: boolean
  info(message: Message): void
  success(message: Message): void
  warn(message: Message): void
  error(message: Message, hint?: string): void
  /** A titled block of lines (the connection summary on the /login screen), with the chatter on stderr. */
  note(title: string, lines: Line[]): void
  /**
   * The command's answer, on stdout, so `pensar status | grep Workspace` and `pensar doctor >
   * report.txt` capture it: a box on a terminal, plain `Label: value` lines in a pipe. With
   * `--json` the data is the JSON, and this goes to stderr.
   */
  report(report: Report): void
  /** The user code and the address; on a terminal that has room, a QR code when no browser opened here. */
  showCode(code: CodeDisplay): void | Promise<void>
  /**
   * The command's result for a person (a list, an address, a script), one string per line:
   * written to stdout, so `pensar workspace list | grep acme` works, each line made safe like any
   * other text (a `\n` inside a line is shown). With `--json` a flow emits instead (JsonUi sends
   * this to stderr, keeping stdout for JSON lines).
   */
  result(lines: Message): void
  /** `--json` only: writes one event line to stdout. Other UIs ignore it. */
  emit(event: JsonEvent): void
  /** Throws CancelledError on Ctrl-C / Esc; UsageError when not interactive. */
  select<T>(opts: { message: string; options: SelectOption<T>[]; initial?: T }): Promise<T>
  /** Waits for one of the keys. Ctrl-C throws CancelledError. */
  pressKey<V>(opts: { message: string; choices: KeyChoice<V>[] }): Promise<V>
  spinner(message: string): Spinner
}

/** `Acme (acme)`; a name or slug longer than DISPLAY_MAX_CHARS is cut with `…`. */
export function formatWorkspace(workspace: { name: string; slug: string }): string {
  return `${shortened(workspace.name)} (${shortened(workspace.slug)})`
}

export function formatMoney(dollars: number): string {
  return `$${dollars.toFixed(2)}`
}

/** An inference cost: under a cent it keeps two significant digits ($0.0034), else dollars and cents. */
export function formatCost(dollars: number): string {
  return dollars > 0 && dollars < 0.01 ? `$${Number(dollars.toPrecision(2))}` : formatMoney(dollars)
}

/** `9m 59s`, `45s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return minutes > 0 ? `${minutes}m ${String(seconds).padStart(2, '0')}s` : `${seconds}s`
}

/** `BCDF-GHJK` → `B C D F - G H J K`: easier to read off a screen and type. */
export function spaceOut(code: string): string {
  return code.split('').join(' ')
}
