// `pensar help [command…]`, the same as `pensar <command> --help`, and which command's help a
// command line asks for. main answers both before anything runs: the words after `help` name
// another command, which the strict parser would take for stray arguments.
import { defineCommand, type CommandDef } from 'citty'
import { resolveCommand, unknownCommandIn, type ResolvedCommand } from './command-line'
import { globalArgs } from './global-args'

const HELP_FLAGS = new Set(['--help', '-h'])

export function helpCommand(): CommandDef<any> {
  return defineCommand({
    meta: {
      name: 'help',
      description: 'Show how to use a command (the same as `pensar <command> --help`)',
      examples: ['pensar help login', 'pensar help auth status'],
    },
    args: {
      command: { type: 'positional', required: false, description: 'The command, e.g. `login` or `auth status`' },
      ...globalArgs,
    },
  })
}

/**
 * The command whose help the line asks for, or undefined: `--help`/`-h` anywhere before `--`,
 * or `pensar help …`. A word that names no command is a usage error with a "did you mean", as
 * when running.
 */
export async function helpTarget(root: CommandDef, resolved: ResolvedCommand, argv: string[]): Promise<ResolvedCommand | undefined> {
  const end = argv.indexOf('--')
  const flags = end < 0 ? argv : argv.slice(0, end)
  let target: ResolvedCommand | undefined
  if (flags.some((arg) => HELP_FLAGS.has(arg))) target = resolved
  else if (resolved.names.length === 2 && resolved.names[1] === 'help') target = await resolveCommand(root, resolved.rest)
  if (!target) return undefined
  const unknown = await unknownCommandIn(target)
  if (unknown) throw unknown
  return target
}
