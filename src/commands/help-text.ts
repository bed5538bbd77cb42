// `pensar … --help` and `pensar help …`: the usage of one command, rendered from its citty
// definition. Ours rather than citty's renderUsage, which appends "(pensar)" to every
// description, leaves the program's name out of a subcommand's USAGE line ("USAGE auth status")
// and has no place for examples.
import type { ArgDef } from 'citty'
import type { Paint } from '../ui/style'
import { choicesOf, HELP_FLAG, VERSION_FLAG, type CommandNode } from './command-tree'

export function renderHelp(node: CommandNode, paint: Paint): string {
  const name = node.path.join(' ')
  const isRoot = node.path.length === 1
  const heading = (title: string) => paint('bold', title)
  const entries = Object.entries(node.args)
  const positionals = entries.filter(([, def]) => def.type === 'positional')
  const flags = entries.filter(([, def]) => def.type !== 'positional')

  const out: string[] = []
  if (node.description) out.push(node.description, '')
  out.push(`${heading('USAGE')} ${paint('cyan', usageLine(node, name))}`, '')
  if (node.subcommands.length > 0) {
    out.push(heading('COMMANDS'), '', ...table(node.subcommands.map((sub) => [sub.path.at(-1)!, sub.description]), paint), '')
  }
  if (positionals.length > 0) out.push(heading('ARGUMENTS'), '', ...table(positionals.map(([key, def]) => [argumentName(key, def), def.description ?? '']), paint), '')
  const builtIn = (isRoot ? [HELP_FLAG, VERSION_FLAG] : [HELP_FLAG]).map((f): [string, string] => [`${f.short}, ${f.long}`, f.description])
  const flagRows = [...flags.flatMap(([key, def]) => flagRowsOf(key, def)), ...builtIn]
  out.push(heading('OPTIONS'), '', ...table(flagRows, paint), '')
  if (node.examples.length > 0) out.push(heading('EXAMPLES'), '', ...examples(node.examples), '')
  if (node.subcommands.length > 0) out.push(`Run \`${name} <command> --help\` for more about a command.`)
  while (out.at(-1) === '') out.pop()
  return `${out.join('\n')}\n`
}

function usageLine(node: CommandNode, name: string): string {
  const words = [name]
  if (node.subcommands.length > 0) {
    const commands = node.path.length === 1 ? '<command>' : node.subcommands.map((sub) => sub.path.at(-1)).join('|')
    words.push(node.runnable ? `[${commands}]` : commands === '<command>' ? '[<command>]' : `<${commands}>`)
  }
  words.push('[OPTIONS]')
  for (const [key, def] of Object.entries(node.args)) {
    if (def.type !== 'positional') continue
    const shown = choicesOf(def)?.join('|') ?? key.toUpperCase()
    words.push(def.required === false || def.default !== undefined ? `[${shown}]` : `<${shown}>`)
  }
  return words.join(' ')
}

function argumentName(key: string, def: ArgDef): string {
  const choices = choicesOf(def)
  return choices ? choices.join('|') : key.toUpperCase()
}

/** A flag's rows: a switch on by default is shown by its `--no-` form, the one people type. */
function flagRowsOf(key: string, def: ArgDef): [string, string][] {
  const aliases = 'alias' in def && def.alias ? [def.alias].flat().map((a) => (a.length === 1 ? `-${a}` : `--${a}`)) : []
  const names = (flag: string) => [...aliases, flag].join(', ')
  if (def.type === 'boolean') {
    const negative = (def as { negativeDescription?: string }).negativeDescription
    if (def.default === true && negative) return [[`--no-${key}`, negative]]
    return [[names(`--${key}`), def.description ?? '']]
  }
  const hint = def.type === 'enum' && def.options ? def.options.join('|') : (def.valueHint ?? key)
  return [[`${names(`--${key}`)} <${hint}>`, def.description ?? '']]
}

function table(rows: [string, string][], paint: Paint): string[] {
  const width = Math.max(...rows.map(([left]) => left.length))
  return rows.map(([left, right]) => `  ${paint('cyan', left)}${' '.repeat(width - left.length)}    ${right}`.trimEnd())
}

/** `pensar login --workspace acme   # what it does`, the comments aligned. */
function examples(lines: string[]): string[] {
  const split = lines.map((line) => {
    const at = line.indexOf(' # ')
    return at < 0 ? [line, ''] : [line.slice(0, at).trimEnd(), line.slice(at + 3).trim()]
  })
  const width = Math.max(...split.map(([command]) => command!.length))
  return split.map(([command, comment]) => (comment ? `  ${command}${' '.repeat(width - command!.length)}    # ${comment}` : `  ${command}`))
}
