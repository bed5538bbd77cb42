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

/** The whole tree, every Resolvable resolved; hidden commands left out. */
export async function commandTree(cmd: CommandDef, at?: string[]): Promise<CommandNode> {
  const meta = (await resolveValue(cmd.meta)) ?? {}
  const path = at ?? [meta.name ?? 'pensar']
  const subs = (await resolveValue(cmd.subCommands)) ?? {}
  const subcommands: CommandNode[] = []
  for (const [name, sub] of Object.entries(subs)) {
    const def = (await resolveValue(sub)) as CommandDef
    if ((await resolveValue(def.meta))?.hidden) continue
    subcommands.push(await commandTree(def, [...path, name]))
  }
  return { path, description: meta.description ?? '', examples: meta.examples ?? [], args: (await resolveValue(cmd.args)) ?? {}, subcommands, runnable: Boolean(cmd.run) }
}

export async function resolveValue<T>(v: T | (() => T) | (() => Promise<T>) | Promise<T>): Promise<T> {
  return typeof v === 'function' ? await (v as () => T | Promise<T>)() : await v
}
