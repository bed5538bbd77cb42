// `pensar ask "<question>"` (or the question on stdin): → the ask flow, which streams the managed
// model's answer to stdout and the cost and balance left to stderr.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import type { AskOptions } from '../flows/ask/ask'
import { globalArgs } from './global-args'

export type AskRunner = (ctx: Context, opts: AskOptions) => Promise<unknown>

const runAsk: AskRunner = async (ctx, opts) => (await import('../flows/ask/ask')).ask(ctx, opts)

export function askCommand(ctx: Context, run: AskRunner = runAsk): CommandDef<any> {
  return defineCommand({
    meta: { name: 'ask', description: 'Ask the managed model: the answer streams to stdout, then its cost and the balance left' },
    args: {
      question: { type: 'positional', required: false, description: 'The question, quoted; read from stdin when left out' },
      model: { type: 'string', valueHint: 'id', description: "The model to ask (default: the gateway's default)" },
      ...globalArgs,
    },
    run: ({ args }) => run(ctx, { prompt: args.question, model: args.model?.trim() || undefined }),
  })
}
