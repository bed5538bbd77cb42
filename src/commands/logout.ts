// `pensar logout` (also `pensar login logout`, `pensar auth logout`): → the logout flow.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { globalArgs } from './global-args'

export type LogoutRunner = (ctx: Context) => Promise<unknown>

const runLogout: LogoutRunner = async (ctx) => (await import('../flows/session/logout')).logout(ctx)

export function logoutCommand(ctx: Context, run: LogoutRunner = runLogout): CommandDef<any> {
  return defineCommand({
    meta: { name: 'logout', description: "Revoke this computer's session at Pensar Console and forget its credentials" },
    args: { ...globalArgs },
    run: () => run(ctx),
  })
}
