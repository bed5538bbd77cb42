// citty runs a parent's run() after one of its subcommands has finished (`login status` would
// run `login` too). A parent with subcommands calls this first and returns when it is true.
import type { ArgsDef } from 'citty'
import { firstPositional } from './resolve'

export function invokedSubcommand(rawArgs: string[], argsDef: ArgsDef, subcommandNames: string[]): boolean {
  const index = firstPositional(rawArgs, argsDef)
  return index >= 0 && subcommandNames.includes(rawArgs[index]!)
}
