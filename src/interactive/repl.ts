// The interactive prompt (`pensar` on a terminal): check the session once, then read lines until
// /exit, Ctrl-C or Ctrl-D. A line that is not a /command is a question for the managed model, in
// one conversation until /new. Each command and each question runs as a step that Esc / Ctrl-C
// cancels back to the prompt (step.ts); the commands themselves are the same flows `pensar login`,
// `pensar status`, `pensar usage`, `pensar logout`, `pensar doctor` and `pensar ask` run.
import type { Writable } from 'node:stream'
import type { Context } from '../context'
import { newConversation, type Conversation } from '../flows/ask/conversation'
import { shortened } from '../lib/safe-text'
import { createPaint, type Paint } from '../ui/style'
import type { KeyInput } from './key-input'
import { readLine } from './line-editor'
import { toAscii } from '../ui/ascii'
import { columnsOf, fitLegend } from '../ui/fit'
import { helpLines, parseLine, unknownCommand, type SlashCommandName } from './slash-commands'
import { runStep, type Step } from './step'
import { showToast } from './toast'

export const EXPIRED_NOTICE = 'Your Pensar Console session has expired — run /login'

/** How the stored session looked at startup, after a silent refresh where one was due. */
export type SessionHealth = { state: 'ok'; connection: Connection } | { state: 'none' | 'expired' } | { state: 'unchecked'; reason: string }

/** What the startup line says about a good session. */
export interface Connection {
  user?: string
  /** Connected with an API key: stored (`file`) or PENSAR_API_KEY (`env`). */
  apiKey?: 'env' | 'file'
  /** The Console's host (and port). */
  console: string
  /** The workspace's name. */
  workspace?: string
}

export const NOT_CONNECTED_NOTICE = 'Not logged in to Pensar Console. Type /login to log in.'

/** A line typed at the prompt that is not a /command. */
export interface Question {
  text: string
  conversation: Conversation
  /** The prompt's terminal: the answer is drawn where the prompt and the Ui are. */
  output: Writable
}

export interface InteractiveActions {
  checkSession(ctx: Context): Promise<SessionHealth>
  login: Step
  status: Step
  usage: Step
  logout: Step
  doctor: Step
  ask(ctx: Context, question: Question): Promise<unknown>
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
  const shown = unicode ? (text: string) => text : toAscii
  deps.output.write(`${paint('bold', 'Apex')} ${paint('dim', shown(`· ${fitLegend(['Pensar Console', '/help lists the commands'], columnsOf(deps.output) - 7)}`))}\n`)
  await announceSessionHealth(ctx, deps, paint, unicode)
  const history: string[] = []
  let conversation = newConversation()
  const prompt = `${paint('cyan', unicode ? '›' : '>')} `
  while (!ctx.signal.aborted) {
    const read = await readLine({ keys: deps.keys, output: deps.output, prompt, history, dim: (t) => paint('dim', t), shown, signal: ctx.signal })
    if (read.kind === 'exit') return
    const parsed = parseLine(read.text)
    if (parsed.kind === 'empty') continue
    if (history.at(-1) !== read.text.trim()) history.push(read.text.trim())
    if (parsed.kind === 'unknown') {
      ctx.ui.warn(unknownCommand(parsed.word))
      continue
    }
    if (parsed.kind === 'question') {
      const question = { text: parsed.text, conversation, output: deps.output }
      await runStep(ctx, deps.keys, (stepCtx) => deps.actions.ask(stepCtx, question))
      continue
    }
    if (parsed.command.name === 'exit') return
    if (parsed.command.name === 'help') ctx.ui.note('Commands', helpLines())
    else if (parsed.command.name === 'new') {
      conversation = newConversation(conversation)
      ctx.ui.info('New conversation: the model no longer sees the earlier questions.')
    } else await runStep(ctx, deps.keys, deps.actions[parsed.command.name satisfies Exclude<SlashCommandName, 'exit' | 'help' | 'new'>])
  }
}

/** One line: who is logged in where, or that nobody is; a toast when the session truly expired. */
async function announceSessionHealth(ctx: Context, deps: InteractiveDeps, paint: Paint, unicode: boolean) {
  let result: SessionHealth | undefined
  // The check may refresh over the network: Esc / Ctrl-C skips it like any other step.
  await runStep(ctx, deps.keys, async (stepCtx) => {
    result = await deps.actions.checkSession(stepCtx)
  })
  if (!result) return
  if (result.state === 'ok') ctx.ui.info(connectedLine(result.connection))
  if (result.state === 'none') ctx.ui.info(NOT_CONNECTED_NOTICE)
  if (result.state === 'expired') showToast(deps.output, paint, EXPIRED_NOTICE, 'yellow', unicode)
  if (result.state === 'unchecked') ctx.ui.warn(`Your login is kept, but Pensar Console did not confirm it: ${result.reason}. Commands will try again.`)
}

/**
 * `Logged in as demo@pensar.local to console.pensar.dev (workspace Acme).`, or with an API key.
 * "Logged in", not "Connected": a token that is still good is not checked with the Console at
 * start (docs/message-style.md, "Words"). A name or email over DISPLAY_MAX_CHARS is cut, as everywhere.
 */
export function connectedLine(c: Connection): string {
  const user = c.user ? ` as ${shortened(c.user)}` : ''
  const who = c.apiKey === 'env' ? ' with PENSAR_API_KEY' : c.apiKey ? `${user} with an API key` : user
  return `Logged in${who} to ${c.console}${c.workspace ? ` (workspace ${shortened(c.workspace)})` : ''}.`
}
