// The interactive prompt (`pensar` on a terminal): check the session once, then read slash
// commands until /exit, Ctrl-C or Ctrl-D. Each command runs as a step that Esc / Ctrl-C cancels
// back to the prompt (step.ts); the commands themselves are the same flows `pensar login`,
// `pensar status`, `pensar logout` and `pensar doctor` run.
import type { Writable } from 'node:stream'
import type { Context } from '../context'
import { createPaint, type Paint } from '../ui/style'
import type { KeyInput } from './key-input'
import { readLine } from './line-editor'
import { helpLines, parseLine, UNKNOWN_HINT, type SlashCommandName } from './slash-commands'
import { runStep, type Step } from './step'
import { showToast } from './toast'

export const EXPIRED_NOTICE = 'Your Pensar Console session has expired — run /login'

/** How the stored session looked at startup, after a silent refresh where one was due. */
export type SessionHealth = { state: 'ok' | 'none' | 'expired' } | { state: 'unchecked'; reason: string }

export interface InteractiveActions {
  checkSession(ctx: Context): Promise<SessionHealth>
  login: Step
  status: Step
  logout: Step
  doctor: Step
}

export interface InteractiveDeps {
  keys: KeyInput
  /** Where the prompt is drawn: the same stream the Ui writes to. */
  output: Writable
  actions: InteractiveActions
  unicode?: boolean
}

export async function runInteractive(ctx: Context, deps: InteractiveDeps): Promise<void> {
  const paint = createPaint(!ctx.env.noColor)
  const unicode = deps.unicode ?? true
  deps.output.write(`${paint('bold', 'Apex')} ${paint('dim', '· Pensar Console · /help lists the commands')}\n`)
  await announceSessionHealth(ctx, deps, paint, unicode)
  const history: string[] = []
  const prompt = `${paint('cyan', unicode ? '›' : '>')} `
  while (!ctx.signal.aborted) {
    const read = await readLine({ keys: deps.keys, output: deps.output, prompt, history, dim: (t) => paint('dim', t), signal: ctx.signal })
    if (read.kind === 'exit') return
    const parsed = parseLine(read.text)
    if (parsed.kind === 'empty') continue
    if (history.at(-1) !== read.text.trim()) history.push(read.text.trim())
    if (parsed.kind === 'unknown') {
      ctx.ui.warn(UNKNOWN_HINT)
      continue
    }
    if (parsed.command.name === 'exit') return
    if (parsed.command.name === 'help') ctx.ui.note('Commands', helpLines())
    else await runStep(ctx, deps.keys, deps.actions[parsed.command.name satisfies Exclude<SlashCommandName, 'exit' | 'help'>])
  }
}

/** Silence when all is well; a toast when the session truly expired. */
async function announceSessionHealth(ctx: Context, deps: InteractiveDeps, paint: Paint, unicode: boolean) {
  let result: SessionHealth | undefined
  // The check may refresh over the network: Esc / Ctrl-C skips it like any other step.
  await runStep(ctx, deps.keys, async (stepCtx) => {
    result = await deps.actions.checkSession(stepCtx)
  })
  if (!result) return
  if (result.state === 'expired') showToast(deps.output, paint, EXPIRED_NOTICE, 'yellow', unicode)
  if (result.state === 'unchecked') ctx.ui.warn(`Could not check your Pensar Console session (${result.reason}). It is kept; commands will retry.`)
}
