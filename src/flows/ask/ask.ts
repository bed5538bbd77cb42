// `pensar ask "<question>"` (the question may come on stdin) and every line typed at the prompt
// that is not a /command: the signed, streamed request to the gateway as the stored user and
// workspace (or the API key), the answer written as it arrives, then one line with the model,
// the cost and the balance left. `--json` emits `delta` events and a `done` event instead.
// Renewal is the authed client's: a token that is due is renewed under the lock first, a 401 is
// renewed and retried once. Ctrl-C (Esc at the prompt) stops the answer and keeps the session.
import type { Context, Output } from '../../context'
import { CancelledError, UsageError } from '../../lib/errors'
import { safeMultiline } from '../../lib/safe-text'
import { createWordWrapper } from '../../ui/word-wrap'
import { formatCost, formatMoney, formatWorkspace } from '../../ui/ui'
import { LOW_BALANCE_DOLLARS, warnAboutBilling } from '../workspace/billing'
import type { AnswerEvent, AnswerUsage } from './answer-events'
import { keepToWorkspace, messagesFor, newConversation, remember, type Conversation } from './conversation'
import { openGateway, type GatewaySession } from './gateway-target'
import { chooseModel } from './model'
import { explainRefusal } from './refusals'
import { streamAnswer } from './stream-answer'

export interface AskOptions {
  /** The question; read from stdin when left out. */
  prompt?: string
  /** `--model`; the gateway's default otherwise. */
  model?: string
}

export interface AskResult {
  answer: string
  model: string
  usage: AnswerUsage
  balance?: number
}

/** Ctrl-C or Esc once the answer had begun: what arrived stays on screen (exit 130). */
export class AnswerStoppedError extends CancelledError {
  constructor() {
    super('Answer stopped.')
  }
}

/** Where the answer goes: stdout for `pensar ask`, the prompt's terminal for the prompt. */
export type AnswerOutput = Pick<Output, 'write' | 'isTerminal' | 'columns'>

export async function ask(ctx: Context, opts: AskOptions, conversation: Conversation = newConversation(), output: AnswerOutput = ctx.out): Promise<AskResult> {
  const question = await questionOf(ctx, opts.prompt)
  const session = await openGateway(ctx, conversation)
  if (keepToWorkspace(conversation, session.workspace?.id)) {
    ctx.ui.info(`A new conversation in workspace ${session.workspace ? formatWorkspace(session.workspace) : 'unknown'}: the model no longer sees the questions asked in the other one.`)
  }
  const model = await chooseModel(session.client, conversation, opts.model)
  const printer = answerPrinter(ctx, output)
  const stopSpinner = waitingSpinner(ctx, `Asking ${model}…`)
  let done: Extract<AnswerEvent, { kind: 'done' }> | undefined
  try {
    for await (const event of streamAnswer(session.client, { model, messages: messagesFor(conversation, question) })) {
      stopSpinner()
      if (event.kind === 'delta') printer.write(event.text)
      else done = event
    }
  } catch (error) {
    stopSpinner()
    printer.end()
    if (error instanceof CancelledError && printer.started) throw new AnswerStoppedError()
    throw await explainRefusal(ctx, error, session, model)
  }
  printer.end()
  remember(conversation, question, printer.text)
  report(ctx, done!)
  await warnIfLow(ctx, conversation, session, done!.balance)
  return { answer: printer.text, model: done!.model, usage: done!.usage, balance: done!.balance }
}

async function questionOf(ctx: Context, prompt: string | undefined): Promise<string> {
  if (prompt !== undefined) {
    if (!prompt.trim()) throw new UsageError('The question is empty.', { hint: 'Ask something: `pensar ask "What is SSRF?"`.' })
    return prompt.trim()
  }
  if (!ctx.stdin || ctx.stdin.isTTY) {
    throw new UsageError('`pensar ask` needs a question.', { hint: 'Give it quoted, `pensar ask "What is SSRF?"`, or pipe it in: `pensar ask < question.txt`.' })
  }
  const piped = (await ctx.stdin.readAll()).trim()
  if (!piped) throw new UsageError('The question on stdin is empty.', { hint: 'Pipe the question in: `pensar ask < question.txt`.' })
  return piped
}

/**
 * On a terminal, a spinner until the answer begins. Stopping clears the spinner's line, so it
 * happens once: again later it would erase the answer's line.
 */
function waitingSpinner(ctx: Context, message: string): () => void {
  let spinner = ctx.ui.interactive && !ctx.env.json ? ctx.ui.spinner(message) : undefined
  return () => {
    spinner?.stop()
    spinner = undefined
  }
}

/**
 * Writes the answer as it arrives: as `delta` events with --json; on a terminal made safe and
 * word-wrapped to its width; into a pipe exactly as sent.
 */
function answerPrinter(ctx: Context, output: AnswerOutput) {
  let text = ''
  let ended = false
  const wrapper = output.isTerminal ? createWordWrapper(output.columns, (shown) => output.write(shown)) : undefined
  return {
    get started() {
      return text !== ''
    },
    get text() {
      return text
    },
    write(delta: string) {
      text += delta
      if (ctx.env.json) ctx.ui.emit({ event: 'delta', text: delta })
      else if (wrapper) wrapper.write(safeMultiline(delta))
      else output.write(delta)
    },
    /** The line the answer ends on is finished, so what follows starts on its own. */
    end() {
      if (ended) return
      ended = true
      wrapper?.flush()
      if (!ctx.env.json && text && !text.endsWith('\n')) output.write('\n')
    },
  }
}

function report(ctx: Context, done: Extract<AnswerEvent, { kind: 'done' }>): void {
  if (ctx.env.json) {
    ctx.ui.emit({ event: 'done', ...(done.id ? { id: done.id } : {}), model: done.model, usage: done.usage, balance: done.balance ?? null })
    return
  }
  // A sentence, like every message (docs/message-style.md): who answered, for how much, what is left.
  const cost = done.usage.cost === null ? ', cost not reported' : ` for ${formatCost(done.usage.cost)}`
  const left = done.balance === undefined ? '' : `; ${formatMoney(done.balance)} left`
  ctx.ui.info(`Answered by ${done.model}${cost}${left}.`)
}

/** A balance under $1 after a question: the login's low-balance warning, once per process. */
async function warnIfLow(ctx: Context, conversation: Conversation, session: GatewaySession, balance: number | undefined): Promise<void> {
  if (balance === undefined || balance >= LOW_BALANCE_DOLLARS || conversation.lowBalanceWarned || !session.workspace) return
  conversation.lowBalanceWarned = true
  // ready: true whatever the balance, so the warning is the low-balance one; the gateway says when it is empty.
  await warnAboutBilling(ctx, { workspace: session.workspace, billing: { balance, hasPaymentMethod: true, ready: true } }, session.consoleUrl, { offerPage: false })
}
