// `pensar version`: the same answer as `pensar --version` (which src/entry.ts answers before
// loading anything), for people who type commands rather than flags.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import type { JsonEvent } from '../ui/ui'
import { versionInfo, versionText } from '../version'
import { globalArgs } from './global-args'

export function versionCommand(ctx: Context): CommandDef<any> {
  return defineCommand({
    meta: { name: 'version', description: 'Print the version, commit, build date and platform (the same as `pensar --version`)' },
    args: { ...globalArgs },
    run: () => (ctx.env.json ? ctx.ui.emit(versionInfo() as unknown as JsonEvent) : ctx.ui.result(versionText(false).trimEnd())),
  })
}
