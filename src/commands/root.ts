// The command tree. `pensar auth …` is the legacy name of `pensar login …`.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { askCommand } from './ask'
import { doctorCommand } from './doctor'
import { globalArgs } from './global-args'
import { loginCommand, type LoginRunner } from './login'
import { logoutCommand } from './logout'
import { statusCommand } from './status'
import { usageCommand } from './usage'

export function rootCommand(ctx: Context, runLogin?: LoginRunner): CommandDef<any> {
  return defineCommand({
    meta: { name: 'pensar', description: 'Connect the Apex CLI to Pensar Console and ask its managed models. With no command on a terminal: the interactive prompt (ask anything; /login, /status, /usage, /logout, /doctor)' },
    args: { ...globalArgs },
    subCommands: {
      login: loginCommand(ctx, runLogin, 'login'),
      status: statusCommand(ctx),
      logout: logoutCommand(ctx),
      doctor: doctorCommand(ctx),
      ask: askCommand(ctx),
      usage: usageCommand(ctx),
      auth: loginCommand(ctx, runLogin, 'auth'),
    },
  })
}
