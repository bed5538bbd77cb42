// Finds which command an argument list names (for --help too) and runs it. citty defines the
// commands and renders their help; the dispatch is ours (see runResolved).
import type { ArgsDef, CommandContext, CommandDef } from 'citty'
import { UsageError } from '../lib/errors'
import { closestName } from './closest-name'
import { globalArgs } from './global-args'
import { flagKey, parseCommandArgs, shown, withoutDashes } from './parse-args'

export interface ResolvedCommand {
  cmd: CommandDef
  parent?: CommandDef
  /** Names from the root, e.g. ['pensar', 'login', 'status']. */
  names: string[]
  /** The arguments that belong to `cmd`. */
  rest: string[]
}

export async function resolveCommand(root: CommandDef, argv: string[]): Promise<ResolvedCommand> {
  let current: ResolvedCommand = { cmd: root, names: [metaName(root)], rest: argv }
  for (;;) {
    const subs = await value(current.cmd.subCommands)
    if (!subs) return current
    const index = firstPositional(current.rest, (await value(current.cmd.args)) ?? {})
    const name = index < 0 ? undefined : current.rest[index]
    if (name === undefined) return current
    const sub = await findSub(subs as Record<string, unknown>, name)
    if (!sub) return current
    current = { cmd: sub, parent: current.cmd, names: [...current.names, name], rest: current.rest.slice(index + 1) }
  }
}

/**
 * Runs the resolved command, and only it: citty's `runCommand` also runs every parent's `run`
 * after a subcommand's, and parses the arguments again at each level. Its arguments are parsed
 * once, strictly (parse-args.ts). This tree uses no citty plugins, `setup`, `cleanup` or `default`.
 */
export async function runResolved(resolved: ResolvedCommand): Promise<void> {
  const command = resolved.names.join(' ')
  const subs = await value(resolved.cmd.subCommands)
  const help = `Run \`${command} --help\` to see the ${subs ? 'commands' : 'options'}.`
  // Global flags are read by main for every command, whether or not it declares them.
  const args = parseCommandArgs(resolved.rest, { ...globalArgs, ...(await value(resolved.cmd.args)) }, command)
  const [word] = args._
  // `pensar -- status`: `--` ends the options, so what follows is a word, not a command.
  if (word !== undefined && subs && word in subs && resolved.rest.includes('--')) {
    throw new UsageError(`\`${word}\` comes after \`--\`, which ends the options, so it is not read as a command.`, { hint: `Put the command first: \`${command} ${word}\`.` })
  }
  if (word !== undefined && subs) {
    const near = word.length <= 40 ? closestName(word, Object.keys(subs)) : undefined
    throw new UsageError(`Unknown command ${shown(word)} for \`${command}\`.`, { hint: near ? `Did you mean \`${command} ${near}\`? ${help}` : help })
  }
  if (word !== undefined) throw new UsageError(`\`${command}\` takes no argument ${JSON.stringify(shown(word))}.`, { hint: help })
  if (!resolved.cmd.run) throw new UsageError(`\`${command}\` needs a command.`, { hint: help })
  await resolved.cmd.run({ rawArgs: resolved.rest, args: args as CommandContext['args'], cmd: resolved.cmd })
}

/** resolveCommand, then runResolved: what `pensar <argv>` does once main has ruled out help. */
export async function runCommandLine(root: CommandDef, argv: string[]): Promise<void> {
  await runResolved(await resolveCommand(root, argv))
}

/** Index of the first word that is not a flag or a flag's value (-1 when none, or after `--`). */
export function firstPositional(args: string[], defs: ArgsDef): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') return -1
    if (arg.startsWith('-')) {
      const key = arg.includes('=') ? undefined : flagKey(defs, withoutDashes(arg))
      if (key && (defs[key]!.type === 'string' || defs[key]!.type === 'enum')) i++
      continue
    }
    return i
  }
  return -1
}

async function findSub(subs: Record<string, unknown>, name: string): Promise<CommandDef | undefined> {
  if (name in subs) return (await value(subs[name])) as CommandDef
  for (const sub of Object.values(subs)) {
    const cmd = (await value(sub)) as CommandDef
    const meta = await value(cmd.meta)
    if ([meta?.alias ?? []].flat().includes(name)) return cmd
  }
  return undefined
}

function metaName(cmd: CommandDef): string {
  const meta = cmd.meta as { name?: string } | undefined
  return meta?.name ?? 'pensar'
}

async function value<T>(v: T | (() => T) | (() => Promise<T>) | Promise<T>): Promise<T> {
  return typeof v === 'function' ? await (v as () => T | Promise<T>)() : await v
}
