// citty runs a parent's run() after one of its subcommands has finished (`login status` would
// run `login` too). A parent with subcommands calls this first and returns when it is true.
import type { ArgsDef } from 'citty'

export function invokedSubcommand(rawArgs: string[], argsDef: ArgsDef, subcommandNames: string[]): boolean {
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!
    if (arg === '--') return false
    if (arg.startsWith('-')) {
      const name = arg.replace(/^-{1,2}/, '')
      const def = (argsDef as Record<string, { type?: string }>)[name]
      if (!arg.includes('=') && def && (def.type === 'string' || def.type === 'enum')) i++
      continue
    }
    return subcommandNames.includes(arg)
  }
  return false
}
