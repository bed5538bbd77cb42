// `pensar status` (also `pensar login status`, `pensar auth status`): flags → the status flow.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { status, type StatusOptions } from '../flows/status/status'
import { globalArgs } from './global-args'

export type StatusRunner = (ctx: Context, opts: StatusOptions) => Promise<unknown>

// Imported statically, unlike the other flows: `status` is the command scripts and prompts run
// all day, and a chunk loaded on demand costs it about 0.3 ms (bench/FINDINGS.md). Its online
// half (flows/status/online-check.ts) is still loaded only when it is needed.
const runStatus: StatusRunner = status

export function statusCommand(ctx: Context, run: StatusRunner = runStatus): CommandDef<any> {
  return defineCommand({
    meta: { name: 'status', description: 'Show the Pensar Console connection (exit 0 connected, 4 not connected or expired)' },
    args: {
      offline: { type: 'boolean', description: 'Show what is stored without asking Pensar Console' },
      ...globalArgs,
    },
    run: ({ args }) => run(ctx, { offline: args.offline === true }),
  })
}
