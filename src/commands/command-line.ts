// Finds which command an argument list names (for --help too) and runs it. citty defines the
// commands and renders their help; the dispatch is ours (see runResolved).
import type { ArgsDef, CommandContext, CommandDef } from 'citty'
import { UsageError } from '../lib/errors'
import { closestName } from './closest-name'
import { resolveValue as value } from './command-tree'
import { globalArgs } from './global-args'
import { flagKey, looksLikeSecret, parseCommandArgs, secretOnCommandLine, shown, withoutDashes, type ParsedArgs } from './parse-args'

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
  const defs: ArgsDef = { ...globalArgs, ...(await value(resolved.cmd.args)) }
  const args = parseCommandArgs(resolved.rest, defs, command)
  const [word] = args._
  if (word !== undefined) throw strayWordError(resolved, word, subs && Object.keys(subs), quoteHint(command, defs, args))
  if (!resolved.cmd.run) throw new UsageError(`\`${command}\` needs a command.`, { hint: help })
  await resolved.cmd.run({ rawArgs: resolved.rest, args: args as CommandContext['args'], cmd: resolved.cmd })
}

/**
 * A word the command does not take: an unknown subcommand (with a "did you mean"), a stray
 * argument, or a secret, which is never repeated back and never accepted on a command line
 * (shell history and `ps` would keep it).
 */
export function strayWordError(resolved: ResolvedCommand, word: string, subcommands?: string[], argumentHint = ''): UsageError {
  const command = resolved.names.join(' ')
  const help = `Run \`${command} --help\` to see the ${subcommands ? 'commands' : 'options'}.`
  // After --with-api-key, any word is the key typed where stdin was meant.
  if (looksLikeSecret(word) || withApiKeyGiven(resolved.rest)) return secretOnCommandLine(command)
  // `pensar -- status`: `--` ends the options, so what follows is a word, not a command.
  if (subcommands?.includes(word) && resolved.rest.includes('--')) {
    return new UsageError(`\`${word}\` comes after \`--\`, which ends the options, so it is not read as a command.`, { hint: `Put the command first: \`${command} ${word}\`.` })
  }
  if (subcommands) {
    const near = closestName(word, subcommands)
    return new UsageError(`Unknown command ${shown(word)} for \`${command}\`.`, { hint: near ? `Did you mean \`${command} ${near}\`? ${help}` : help })
  }
  return new UsageError(`\`${command}\` takes no argument ${JSON.stringify(shown(word))}.`, { hint: `${argumentHint}${help}` })
}

/** `--with-api-key` (or `--withApiKey`, with or without `=true`) among the arguments. */
function withApiKeyGiven(rest: string[]): boolean {
  return rest.some((arg) => /^--(?:with-api-key|withApiKey)(?:=true)?$/.test(arg))
}

/** The first word of `rest` that names no subcommand of `resolved` (for `--help` and `pensar help`). */
export async function unknownCommandIn(resolved: ResolvedCommand): Promise<UsageError | undefined> {
  const subs = await value(resolved.cmd.subCommands)
  if (!subs) return undefined
  const index = firstPositional(resolved.rest, { ...globalArgs, ...(await value(resolved.cmd.args)) })
  return index < 0 ? undefined : strayWordError(resolved, resolved.rest[index]!, Object.keys(subs))
}

/** Words past a command's one argument were most likely meant as one (`pensar ask what is SSRF`). */
function quoteHint(command: string, defs: ArgsDef, args: ParsedArgs): string {
  const name = Object.keys(defs).find((key) => defs[key]!.type === 'positional')
  if (!name || typeof args[name] !== 'string') return ''
  return `Quote ${name.toUpperCase()} when it has spaces: \`${command} "${[args[name], ...args._].join(' ')}"\`. `
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
