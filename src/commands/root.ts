// The command tree. `pensar auth …` is the legacy name of `pensar login …`. Help, the shell
// completions and the README check (test/docs) all read this tree: a command added here is
// listed, completed and required in the README's table.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { askCommand } from './ask'
import { completionCommand } from './completion'
import { doctorCommand } from './doctor'
import { globalArgs } from './global-args'
import { helpCommand } from './help'
import { loginCommand, type LoginRunner } from './login'
import { logoutCommand } from './logout'
import { openCommand } from './open'
import { statusCommand } from './status'
import { upgradeCommand } from './upgrade'
import { usageCommand } from './usage'
import { versionCommand } from './version'
import { workspaceCommand } from './workspace'

export function rootCommand(ctx: Context, runLogin?: LoginRunner): CommandDef<any> {
  const root: CommandDef<any> = defineCommand({
    meta: {
      name: 'pensar',
      description: 'Connect the Apex CLI to Pensar Console and ask its managed models. With no command on a terminal: the interactive prompt (ask anything; /login, /status, /usage, /logout, /doctor)',
      examples: ['pensar login                     # connect this computer', 'pensar status --json             # the connection, for a script', 'pensar ask "what is SSRF?"       # ask the managed model', 'pensar workspace switch acme     # use another workspace', 'pensar open billing              # add credits'],
    },
    args: { ...globalArgs },
    subCommands: {
      login: loginCommand(ctx, runLogin, 'login'),
      status: statusCommand(ctx),
      logout: logoutCommand(ctx),
      workspace: workspaceCommand(ctx),
      open: openCommand(ctx),
      doctor: doctorCommand(ctx),
      ask: askCommand(ctx),
      usage: usageCommand(ctx),
      upgrade: upgradeCommand(ctx),
      auth: loginCommand(ctx, runLogin, 'auth'),
      version: versionCommand(ctx),
      help: helpCommand(),
      completion: completionCommand(ctx, () => root),
    },
  })
  return root
}
