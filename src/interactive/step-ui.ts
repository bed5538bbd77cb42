// The Ui a step of the prompt talks through: it hands the keyboard to each prompt the step opens
// (and takes it back after), says how to get out of a wait, always lets Esc out of a key prompt,
// and says what fits the prompt where a flow's message was written for the shell: slash commands
// for `pensar login`, and no shell flag where none can be given.
import { CancelledError } from '../lib/errors'
import { linesOf, type KeyChoice, type Line, type Message, type Ui } from '../ui/ui'

/** What the step's keyboard watcher must do around a prompt that reads the keyboard itself. */
export interface KeyboardHandover {
  pause(): void
  resume(): void
}

/**
 * Messages written for the shell name shell commands; at this prompt the slash command is the way.
 * "Run again with --debug" names a flag the prompt has no place for: the prompt itself must be
 * started with it (or was, and the details are in the debug log above).
 */
export function toSlashWords(text: string, debug = false): string {
  return text
    .replace(/`?pensar (?:login|auth) (status|logout|doctor)`?/g, '/$1')
    .replace(/`?pensar (login|auth|status|logout|doctor)`?/g, '/$1')
    .replace(/Run again with --debug(?: for (?:the )?details)?,? and report it if it keeps happening\./g, debug ? DEBUG_ON : `${DEBUG_OFF} Report it if it keeps happening.`)
    .replace(/Run again with --debug(?: for (?:the )?details)?\./g, debug ? 'The debug log above has the details.' : DEBUG_OFF)
}

const DEBUG_OFF = 'For the details, leave with /exit and start the prompt with `pensar --debug`.'
const DEBUG_ON = 'The debug log above has the details; report it if it keeps happening.'

/** Wraps the prompt's Ui for one step; `guard` is the step's Esc / Ctrl-C watcher. */
export function stepUi(ui: Ui, guard: KeyboardHandover, debug = false): Ui {
  const words = (text: string) => toSlashWords(text, debug)
  const lines = (message: Message) => linesOf(message).map(words)
  const line = (l: Line): Line => (typeof l === 'string' ? words(l) : { ...l, text: words(l.text) })

  const prompting = async <T>(ask: () => Promise<T>): Promise<T> => {
    guard.pause()
    try {
      return await ask()
    } finally {
      guard.resume()
    }
  }
  return {
    get interactive() {
      return ui.interactive
    },
    info: (m) => ui.info(lines(m)),
    success: (m) => ui.success(lines(m)),
    warn: (m) => ui.warn(lines(m)),
    error: (m, hint) => ui.error(lines(m), hint === undefined ? undefined : words(hint)),
    note: (title, given) => ui.note(title, given.map(line)),
    report: (report) => ui.report({ ...report, lines: report.lines.map(line), ...(report.verdict ? { verdict: { ...report.verdict, text: words(report.verdict.text) } } : {}) }),
    showCode: (code) => ui.showCode(code),
    result: (text) => ui.result(text),
    emit: (event) => ui.emit(event),
    // A wait is where one wants out: say how.
    spinner: (m) => {
      const spinner = ui.spinner(withEscHint(m))
      return { update: (next) => spinner.update(withEscHint(next)), stop: (done) => spinner.stop(done) }
    },
    select: (opts) => prompting(() => ui.select(opts)),
    pressKey: (opts) => prompting(() => pressKeyOrEsc(ui, opts)),
  }
}

const withEscHint = (message: string) => `${message} · Esc cancel`

const ESC = Symbol('escape')

/** At this prompt Esc always leads out: a key prompt that does not offer it gets it, as "cancel". */
async function pressKeyOrEsc<V>(ui: Ui, opts: { message: string; choices: KeyChoice<V>[] }): Promise<V> {
  if (opts.choices.some((c) => c.key === 'escape')) return ui.pressKey(opts)
  const answer = await ui.pressKey<V | typeof ESC>({ ...opts, choices: [...opts.choices, { key: 'escape', value: ESC, label: 'cancel' }] })
  if (answer === ESC) throw new CancelledError()
  return answer
}
