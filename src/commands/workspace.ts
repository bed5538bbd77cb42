// `pensar workspace list` and `pensar workspace switch [slug]`: → flows/workspace. Both work
// without a terminal; switching never starts a device login.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { globalArgs } from './global-args'

export type WorkspaceListRunner = (ctx: Context) => Promise<unknown>
export type WorkspaceSwitchRunner = (ctx: Context, opts: { requested?: string; openBrowser: boolean }) => Promise<unknown>

const runList: WorkspaceListRunner = async (ctx) => (await import('../flows/workspace/show-workspaces')).showWorkspaces(ctx)
const runSwitch: WorkspaceSwitchRunner = async (ctx, opts) => (await import('../flows/workspace/switch-workspace')).switchWorkspace(ctx, { ...opts, namedWith: 'pensar workspace switch' })

export function workspaceCommand(ctx: Context, run: { list?: WorkspaceListRunner; switch?: WorkspaceSwitchRunner } = {}): CommandDef<any> {
  return defineCommand({
    meta: { name: 'workspace', description: 'List your Pensar Console workspaces, or switch the one Apex uses' },
    args: { ...globalArgs },
    subCommands: {
      list: defineCommand({
        meta: {
          name: 'list',
          description: 'List your workspaces with balance and billing state; * marks the one Apex uses',
          examples: ['pensar workspace list', 'pensar workspace list --json   # {"workspaces":[{"id","name","slug","balance",…,"current"}]}'],
        },
        args: { ...globalArgs },
        run: () => (run.list ?? runList)(ctx),
      }),
      switch: defineCommand({
        meta: {
          name: 'switch',
          description: 'Switch the workspace Apex uses on this computer, without logging in again',
          examples: ['pensar workspace switch acme   # by slug (or id), also without a terminal', 'pensar workspace switch        # on a terminal: choose from the list'],
        },
        args: {
          workspace: { type: 'positional', required: false, valueHint: 'slug', description: 'The workspace, by slug or id (on a terminal, without one: choose from the list)' },
          ...globalArgs,
        },
        run: ({ args }) => (run.switch ?? runSwitch)(ctx, { requested: args.workspace?.trim() || undefined, openBrowser: true }),
      }),
    },
  })
}
