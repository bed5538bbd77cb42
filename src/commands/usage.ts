// `pensar usage [--since 7d|30d|YYYY-MM-DD]`: → the usage flow (spend per user and per API key).
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import type { UsageOptions } from '../flows/usage/usage'
import { globalArgs } from './global-args'

export type UsageRunner = (ctx: Context, opts: UsageOptions) => Promise<unknown>

const runUsage: UsageRunner = async (ctx, opts) => (await import('../flows/usage/usage')).usage(ctx, opts)

export function usageCommand(ctx: Context, run: UsageRunner = runUsage): CommandDef<any> {
  return defineCommand({
    meta: { name: 'usage', description: "The workspace's inference spend per user and per API key, and the total" },
    args: {
      since: { type: 'string', valueHint: '7d|30d|YYYY-MM-DD', description: 'The period: a number of days or a date (default 30d)' },
      ...globalArgs,
    },
    run: ({ args }) => run(ctx, { since: args.since }),
  })
}
