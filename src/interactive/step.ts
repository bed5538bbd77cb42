// Runs one command of the prompt (a "step") so that Esc or Ctrl-C cancels just that step: the
// step gets its own AbortSignal (as ctx.signal and on every HTTP call), and while no prompt of its
// own is open we hold the keyboard in raw mode and turn Esc / Ctrl-C into an abort. While the step
// shows a prompt (select, pressKey) that prompt owns the keyboard and cancels itself. Whatever the
// step throws is reported here and the prompt carries on.
import type { Context } from '../context'
import { CancelledError, PensarError, SilentError } from '../lib/errors'
import type { Http } from '../lib/http'
import { redactText } from '../lib/redact'
import type { KeyChoice, Ui } from '../ui/ui'
import { isCtrlC, isEscape, type KeyInput } from './key-input'

export type StepOutcome = 'done' | 'cancelled' | 'failed'

export type Step = (ctx: Context) => Promise<unknown>

export async function runStep(ctx: Context, keys: KeyInput, step: Step): Promise<StepOutcome> {
  const controller = new AbortController()
  const signal = AbortSignal.any([ctx.signal, controller.signal])
  const guard = keyboardGuard(keys, () => controller.abort(new CancelledError()))
  const http = withSignal(ctx.http, signal)
  const stepCtx: Context = { ...ctx, signal, ui: pausingUi(ctx.ui, guard), http }
  guard.resume()
  try {
    await step(stepCtx)
    return 'done'
  } catch (error) {
    return report(ctx.ui, error)
  } finally {
    guard.stop()
    http.dispose()
  }
}

function report(ui: Ui, error: unknown): StepOutcome {
  if (error instanceof SilentError) return 'failed' // the flow has said what went wrong
  if (error instanceof CancelledError) {
    ui.info(`${error.message} Nothing was changed.`)
    return 'cancelled'
  }
  if (error instanceof PensarError) ui.error(toSlashWords(redactText(error.message)), error.hint ? toSlashWords(redactText(error.hint)) : undefined)
  else ui.error(`Unexpected error: ${redactText(error instanceof Error ? error.message : String(error))}`)
  return 'failed'
}

/** Messages written for the shell name shell commands; at this prompt the slash command is the way. */
export function toSlashWords(text: string): string {
  return text.replace(/`?pensar (?:login|auth) (status|logout)`?/g, '/$1').replace(/`?pensar (login|auth|status|logout)`?/g, '/$1')
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

interface KeyboardGuard {
  resume(): void
  pause(): void
  stop(): void
}

function keyboardGuard(keys: KeyInput, cancel: () => void): KeyboardGuard {
  let release: (() => void) | undefined
  let stopped = false
  const pause = () => {
    release?.()
    release = undefined
  }
  return {
    resume() {
      if (stopped || release) return
      release = keys.listen((key) => {
        if (!isCtrlC(key) && !isEscape(key)) return false
        cancel()
      })
    },
    pause,
    stop() {
      stopped = true
      pause()
    },
  }
}

/** The step's Ui: hands the keyboard to each prompt while it is open, and speaks in slash commands. */
function pausingUi(ui: Ui, guard: KeyboardGuard): Ui {
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
    info: (m) => ui.info(toSlashWords(m)),
    success: (m) => ui.success(toSlashWords(m)),
    warn: (m) => ui.warn(toSlashWords(m)),
    error: (m, hint) => ui.error(toSlashWords(m), hint === undefined ? undefined : toSlashWords(hint)),
    note: (title, lines) => ui.note(title, lines.map(toSlashWords)),
    showCode: (code) => ui.showCode(code),
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

/**
 * Every request of the step carries the step's signal unless it brings its own. Listeners the
 * step registers on the shared client are removed when it ends, so a long session does not
 * collect one per command.
 */
function withSignal(http: Http, signal: AbortSignal): Http & { dispose(): void } {
  const unsubscribers = new Set<() => void>()
  return {
    get: (url, opts) => http.get(url, { ...opts, signal: opts?.signal ?? signal }),
    postJson: (url, body, opts) => http.postJson(url, body, { ...opts, signal: opts?.signal ?? signal }),
    postForm: (url, form, opts) => http.postForm(url, form, { ...opts, signal: opts?.signal ?? signal }),
    onServerDate(listener) {
      const unsubscribe = http.onServerDate(listener)
      unsubscribers.add(unsubscribe)
      return () => {
        unsubscribers.delete(unsubscribe)
        unsubscribe()
      }
    },
    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe()
      unsubscribers.clear()
    },
  }
}
