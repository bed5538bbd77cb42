// Finds which command an argument list names (for --help) and rejects flags that command does
// not know: citty silently ignores them, and a typo like `--worksapce acme` must not go unnoticed.
import type { ArgsDef, CommandDef } from 'citty'
import { UsageError } from '../lib/errors'

type ArgDefs = Record<string, { type?: string; alias?: string | string[] }>

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

/** Throws a UsageError naming the first flag `cmd` does not declare. */
export async function rejectUnknownFlags(resolved: ResolvedCommand): Promise<void> {
  const defs = ((await value(resolved.cmd.args)) ?? {}) as ArgDefs
  // Global flags are read by main for every command, whether or not it declares them.
  const known = new Set<string>(['help', 'h', 'api-url', 'apiUrl', 'json', 'no-json', 'debug'])
  for (const [name, def] of Object.entries(defs)) {
    for (const n of [name, camel(name), ...[def.alias ?? []].flat()]) {
      known.add(n)
      if (def.type === 'boolean') known.add(`no-${n}`)
    }
  }
  for (const arg of resolved.rest) {
    if (arg === '--') return
    if (!arg.startsWith('-') || arg === '-') continue
    const name = arg.replace(/^-{1,2}/, '').split('=')[0]!
    if (!known.has(name) && !known.has(camel(name))) {
      throw new UsageError(`Unknown option ${arg.split('=')[0]} for \`${resolved.names.join(' ')}\`.`, { hint: `Run \`${resolved.names.join(' ')} --help\` to see the options.` })
    }
  }
}

/** Index of the first word that is not a flag or a flag's value (-1 when none, or after `--`). */
export function firstPositional(args: string[], defs: ArgsDef): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') return -1
    if (arg.startsWith('-')) {
      const def = (defs as ArgDefs)[arg.replace(/^-{1,2}/, '')]
      if (!arg.includes('=') && def && (def.type === 'string' || def.type === 'enum')) i++
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

const camel = (s: string) => s.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())
