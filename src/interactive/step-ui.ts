// The Ui a step of the prompt talks through: it hands the keyboard to each prompt the step opens
// (and takes it back after), says how to get out of a wait, always lets Esc out of a key prompt,
// and names slash commands where a flow's message names shell commands.
import { CancelledError } from '../lib/errors'
import { linesOf, type KeyChoice, type Message, type Ui } from '../ui/ui'

/** What the step's keyboard watcher must do around a prompt that reads the keyboard itself. */
export interface KeyboardHandover {
  pause(): void
  resume(): void
}

/** Messages written for the shell name shell commands; at this prompt the slash command is the way. */
export function toSlashWords(text: string): string {
  return text.replace(/`?pensar (?:login|auth) (status|logout|doctor)`?/g, '/$1').replace(/`?pensar (login|auth|status|logout|doctor)`?/g, '/$1')
}

const slashLines = (message: Message) => linesOf(message).map(toSlashWords)

/** Wraps the prompt's Ui for one step; `guard` is the step's Esc / Ctrl-C watcher. */
export function stepUi(ui: Ui, guard: KeyboardHandover): Ui {
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
    info: (m) => ui.info(slashLines(m)),
    success: (m) => ui.success(slashLines(m)),
    warn: (m) => ui.warn(slashLines(m)),
    error: (m, hint) => ui.error(slashLines(m), hint === undefined ? undefined : toSlashWords(hint)),
    note: (title, lines) => ui.note(title, lines.map(toSlashWords)),
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

const withEscHint = (message: string) => `${message} · Esc cancels`

const ESC = Symbol('escape')

/** At this prompt Esc always leads out: a key prompt that does not offer it gets it, as "cancel". */
async function pressKeyOrEsc<V>(ui: Ui, opts: { message: string; choices: KeyChoice<V>[] }): Promise<V> {
  if (opts.choices.some((c) => c.key === 'escape')) return ui.pressKey(opts)
  const answer = await ui.pressKey<V | typeof ESC>({ ...opts, choices: [...opts.choices, { key: 'escape', value: ESC, label: 'cancel' }] })
  if (answer === ESC) throw new CancelledError()
  return answer
}
