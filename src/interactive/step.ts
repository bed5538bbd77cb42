// Runs one command of the prompt (a "step") so that Esc or Ctrl-C cancels just that step: the
// step gets its own AbortSignal (as ctx.signal and on every HTTP call), and while no prompt of its
// own is open we hold the keyboard in raw mode and turn Esc / Ctrl-C into an abort. While the step
// shows a prompt (select, pressKey) that prompt owns the keyboard and cancels itself. Whatever the
// step throws is reported here and the prompt carries on.
import type { Context } from '../context'
import { CancelledError, causeOf, PensarError, SilentError } from '../lib/errors'
import { redactText } from '../lib/redact'
import type { Ui } from '../ui/ui'
import { isCtrlC, isEscape, type KeyInput } from './key-input'
import { withSignal } from './step-http'
import { stepUi, toSlashWords } from './step-ui'

export type StepOutcome = 'done' | 'cancelled' | 'failed'

export type Step = (ctx: Context) => Promise<unknown>

export async function runStep(ctx: Context, keys: KeyInput, step: Step): Promise<StepOutcome> {
  const controller = new AbortController()
  const signal = AbortSignal.any([ctx.signal, controller.signal])
  const guard = keyboardGuard(keys, () => controller.abort(new CancelledError()))
  const http = withSignal(ctx.http, signal)
  const stepCtx: Context = { ...ctx, signal, ui: stepUi(ctx.ui, guard, ctx.env.debug), http }
  guard.resume()
  try {
    await step(stepCtx)
    return 'done'
  } catch (error) {
    return report(ctx.ui, error, ctx.env.debug)
  } finally {
    guard.stop()
    http.dispose()
  }
}

function report(ui: Ui, error: unknown, debug: boolean): StepOutcome {
  if (error instanceof SilentError) return 'failed' // the flow has said what went wrong
  if (error instanceof CancelledError) {
    ui.info(`${error.message} Nothing was changed.`)
    return 'cancelled'
  }
  if (error instanceof PensarError) ui.error(toSlashWords(redactText(error.message), debug), error.hint ? toSlashWords(redactText(error.hint), debug) : undefined)
  else ui.error(`Unexpected error: ${redactText(causeOf(error))}.`)
  return 'failed'
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
