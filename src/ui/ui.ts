// What flows may say and ask, in our own words. Three implementations: clack.ts (a terminal),
// plain.ts (no terminal: plain lines on stderr) and json.ts (`--json`: events on stdout, the
// plain lines on stderr). Tests use test/helpers/ui-recorder.ts.

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

export interface Ui {
  /** True when prompts are possible: stdin and stdout are terminals and --json is off. */
  readonly interactive: boolean
  info(message: string): void
  success(message: string): void
  warn(message: string): void
  error(message: string, hint?: string): void
  /** A titled block of lines (the connection summary). */
  note(title: string, lines: string[]): void
  /** The user code and the address; on a terminal that has room, a QR code when no browser opened here. */
  showCode(code: CodeDisplay): void | Promise<void>
  /** `--json` only: writes one event line to stdout. Other UIs ignore it. */
  emit(event: JsonEvent): void
  /** Throws CancelledError on Ctrl-C / Esc; UsageError when not interactive. */
  select<T>(opts: { message: string; options: SelectOption<T>[]; initial?: T }): Promise<T>
  /** Waits for one of the keys. Ctrl-C throws CancelledError. */
  pressKey<V>(opts: { message: string; choices: KeyChoice<V>[] }): Promise<V>
  spinner(message: string): Spinner
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
