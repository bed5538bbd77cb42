// `pensar login token` (also `auth token`): → the token flow, which prints a valid access token
// (or the API key) for another tool, and nothing else, on stdout.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { envApiKey } from '../lib/env-api-key'
import { globalArgs } from './global-args'

export type TokenRunner = (ctx: Context) => Promise<unknown>

const runToken: TokenRunner = async (ctx) => (await import('../flows/token/token')).printToken(ctx)

export function tokenCommand(ctx: Context, run: TokenRunner = runToken): CommandDef<any> {
  return defineCommand({
    meta: { name: 'token', description: 'Print a valid access token (renewed when due), or the API key, for another tool' },
    args: { ...globalArgs },
    run: () => {
      // The keychain's round trip (a cold read costs 14–27 ms) runs while the flow's code loads;
      // PENSAR_API_KEY wins over the stored session, whose secrets are then never read.
      if (!envApiKey(ctx.env.vars)) ctx.store.prefetchSecrets()
      return run(ctx)
    },
  })
}
