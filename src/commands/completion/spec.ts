// What a shell needs to complete a pensar command line, read from the command tree
// (command-tree.ts): for every command, its subcommands, its flags (which take a value, and the
// values when they are fixed) and the fixed words of its argument. Each shell's script
// (bash.ts, zsh.ts, fish.ts) is generated from this, so a command added to root.ts completes
// without anyone touching the scripts.
import { choicesOf, HELP_FLAG, typedFlag, VERSION_FLAG, type CommandNode } from '../command-tree'

export { shellQuote } from '../../lib/shell-quote'

export interface Candidate {
  name: string
  description: string
}

export interface FlagSpec extends Candidate {
  /** `-h` for `--help`. */
  short?: string
  takesValue: boolean
  /** The values of an enum flag. */
  values: readonly string[]
}

export interface CommandSpec {
  /** Words after `pensar`, space-separated: '' for the root, 'auth status'. */
  key: string
  commands: Candidate[]
  flags: FlagSpec[]
  /** The fixed words of the command's argument (`pensar open billing`). */
  arguments: readonly string[]
}

export interface CompletionSpec {
  commands: CommandSpec[]
  /** `pensar help …` completes command names, the words of the command it explains. */
  helpCommand?: string
}

const builtIn = (flag: typeof HELP_FLAG): FlagSpec => ({ name: flag.long, short: flag.short, description: flag.description, takesValue: false, values: [] })

export function completionSpec(root: CommandNode): CompletionSpec {
  const commands: CommandSpec[] = []
  const visit = (node: CommandNode) => {
    commands.push(specOf(node))
    node.subcommands.forEach(visit)
  }
  visit(root)
  const help = root.subcommands.find((sub) => sub.path.at(-1) === 'help')
  return { commands, helpCommand: help ? 'help' : undefined }
}

function specOf(node: CommandNode): CommandSpec {
  const flags: FlagSpec[] = []
  let args: readonly string[] = []
  for (const [key, def] of Object.entries(node.args)) {
    if (def.type === 'positional') {
      args = [...args, ...(choicesOf(def) ?? [])]
      continue
    }
    const { name, description } = typedFlag(key, def)
    flags.push({
      name,
      description: oneLine(description),
      takesValue: def.type === 'string' || def.type === 'enum',
      values: def.type === 'enum' ? (def.options ?? []) : [],
    })
  }
  flags.push(builtIn(HELP_FLAG), ...(node.path.length === 1 ? [builtIn(VERSION_FLAG)] : []))
  return {
    key: node.path.slice(1).join(' '),
    commands: node.subcommands.map((sub) => ({ name: sub.path.at(-1)!, description: oneLine(sub.description) })),
    flags,
    arguments: args,
  }
}

/** Descriptions go inside quoted shell strings and one-line menus. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
