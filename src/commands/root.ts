// The command tree. `pensar auth …` is the legacy name of `pensar login …`.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { doctorCommand } from './doctor'
import { globalArgs } from './global-args'
import { loginCommand, type LoginRunner } from './login'
import { logoutCommand } from './logout'
import { statusCommand } from './status'
import { upgradeCommand } from './upgrade'

export function rootCommand(ctx: Context, runLogin?: LoginRunner): CommandDef<any> {
  return defineCommand({
    meta: { name: 'pensar', description: 'Connect the Apex CLI to Pensar Console. With no command on a terminal: the interactive prompt (/login, /status, /logout, /doctor)' },
    args: { ...globalArgs },
    subCommands: {
      login: loginCommand(ctx, runLogin, 'login'),
      status: statusCommand(ctx),
      logout: logoutCommand(ctx),
      doctor: doctorCommand(ctx),
      upgrade: upgradeCommand(ctx),
      auth: loginCommand(ctx, runLogin, 'auth'),
    },
  })
}
