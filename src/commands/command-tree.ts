// What citty's command definitions leave out, and the tree read as plain data. Three readers
// walk the same definitions, so none of them can drift from the commands: `--help`
// (help-text.ts), the strict parser (parse-args.ts) and the shell completions (completion/).
import type { ArgDef, ArgsDef, CommandDef, PositionalArgDef } from 'citty'

declare module 'citty' {
  interface CommandMeta {
    /** Shown under EXAMPLES in `--help`: a command line, then `# what it does`. */
    examples?: string[]
  }
}

/** Flags main answers for every command (`--help`) and the top level (`--version`), which no ArgsDef declares. */
export const HELP_FLAG = { short: '-h', long: '--help', description: 'Show this help' }
export const VERSION_FLAG = { short: '-v', long: '--version', description: 'Print the version (with --json, as an object)' }

/** A positional argument that takes one of a fixed set of words (checked, listed in --help, completed). */
export type ChoiceArgDef = PositionalArgDef & { options: readonly string[] }

/** `pensar open [billing|usage|…]`: citty's positional has no `options`, so it is attached here. */
export function choiceArg(def: Omit<PositionalArgDef, 'type'> & { options: readonly string[] }): PositionalArgDef {
  return { type: 'positional', ...def } as ChoiceArgDef
}

/** The fixed words a positional argument takes, if it declares them. */
export function choicesOf(def: ArgDef): readonly string[] | undefined {
  return def.type === 'positional' ? (def as Partial<ChoiceArgDef>).options : undefined
}

/**
 * A flag as people type it, and what it does: a switch that is on by default (with a
 * `negativeDescription`) by its `--no-` form, any other flag by its own name. Help and the
 * completions both show it so.
 */
export function typedFlag(key: string, def: ArgDef): { name: string; description: string; negated: boolean } {
  const negative = def.type === 'boolean' && def.default === true ? (def as { negativeDescription?: string }).negativeDescription : undefined
  return negative ? { name: `--no-${key}`, description: negative, negated: true } : { name: `--${key}`, description: def.description ?? '', negated: false }
}

export interface CommandNode {
  /** The words that name it, from the root: ['pensar', 'auth', 'status']. */
  path: string[]
  description: string
  examples: string[]
  args: ArgsDef
  /** Visible subcommands by name, in the order they were defined. */
  subcommands: CommandNode[]
  runnable: boolean
}

/**
 * The tree below `cmd`, `depth` levels deep (the help of one command needs only its children's
 * names), hidden commands left out. Synchronous, because it runs on the start-up path of
 * `--help`, where a chain of awaits measurably costs (bench/): our definitions are plain
 * objects, and a lazily loaded (async) one is refused here.
 */
export function commandTree(cmd: CommandDef, at?: string[], depth = Number.POSITIVE_INFINITY): CommandNode {
  const meta = resolveNow(cmd.meta) ?? {}
  const path = at ?? [meta.name ?? 'pensar']
  const subcommands: CommandNode[] = []
  if (depth > 0) {
    for (const [name, sub] of Object.entries(resolveNow(cmd.subCommands) ?? {})) {
      const def = resolveNow(sub) as CommandDef
      if (!resolveNow(def.meta)?.hidden) subcommands.push(commandTree(def, [...path, name], depth - 1))
    }
  }
  return { path, description: meta.description ?? '', examples: meta.examples ?? [], args: resolveNow(cmd.args) ?? {}, subcommands, runnable: Boolean(cmd.run) }
}

function resolveNow<T>(v: T | (() => T) | (() => Promise<T>) | Promise<T>): T {
  const value = typeof v === 'function' ? (v as () => T | Promise<T>)() : v
  if (value instanceof Promise) throw new Error('commandTree reads plain command definitions; this one is loaded asynchronously.')
  return value
}

export async function resolveValue<T>(v: T | (() => T) | (() => Promise<T>) | Promise<T>): Promise<T> {
  return typeof v === 'function' ? await (v as () => T | Promise<T>)() : await v
}
