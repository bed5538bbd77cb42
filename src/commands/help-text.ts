// `pensar … --help` and `pensar help …`: the usage of one command, rendered from its citty
// definition. Ours rather than citty's renderUsage, which appends "(pensar)" to every
// description, leaves the program's name out of a subcommand's USAGE line ("USAGE auth status")
// and has no place for examples. On a terminal it fits the width (docs/message-style.md, "Fit"):
// a description wraps within its column, or under its name when the column would be too narrow.
import type { ArgDef } from 'citty'
import { wrapWords } from '../ui/fit'
import type { Paint } from '../ui/style'
import { choicesOf, HELP_FLAG, typedFlag, VERSION_FLAG, type CommandNode } from './command-tree'

/** A description column narrower than this goes under its name instead. */
const MIN_COLUMN = 24

/** `columns`: the terminal's width; none in a pipe, where lines are left whole. */
export function renderHelp(node: CommandNode, paint: Paint, columns?: number): string {
  const name = node.path.join(' ')
  const isRoot = node.path.length === 1
  const heading = (title: string) => paint('bold', title)
  const entries = Object.entries(node.args)
  const positionals = entries.filter(([, def]) => def.type === 'positional')
  const flags = entries.filter(([, def]) => def.type !== 'positional')

  const fit = (text: string, indent = 0) => (columns ? wrapWords(text, columns - indent).map((row, i) => (i === 0 ? row : ' '.repeat(indent) + row)) : [text])
  const out: string[] = []
  if (node.description) out.push(...fit(node.description), '')
  // After `USAGE `: the first row is 6 narrower, and the rest hang under it.
  const [usage = '', ...more] = fit(usageLine(node, name), 6)
  out.push(`${heading('USAGE')} ${paint('cyan', usage)}`, ...more.map((row) => paint('cyan', row)), '')
  if (node.subcommands.length > 0) {
    out.push(heading('COMMANDS'), '', ...table(node.subcommands.map((sub) => [sub.path.at(-1)!, sub.description]), paint, columns), '')
  }
  if (positionals.length > 0) out.push(heading('ARGUMENTS'), '', ...table(positionals.map(([key, def]) => [argumentName(key, def), def.description ?? '']), paint, columns), '')
  const builtIn = (isRoot ? [HELP_FLAG, VERSION_FLAG] : [HELP_FLAG]).map((f): [string, string] => [`${f.short}, ${f.long}`, f.description])
  const flagRows = [...flags.flatMap(([key, def]) => flagRowsOf(key, def)), ...builtIn]
  out.push(heading('OPTIONS'), '', ...table(flagRows, paint, columns), '')
  if (node.examples.length > 0) out.push(heading('EXAMPLES'), '', ...examples(node.examples, columns), '')
  if (node.subcommands.length > 0) out.push(...fit(`Run \`${name} <command> --help\` for more about a command.`))
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

/** A flag's rows: a switch on by default is shown by its `--no-` form (typedFlag), without aliases. */
function flagRowsOf(key: string, def: ArgDef): [string, string][] {
  const { name, description, negated } = typedFlag(key, def)
  const aliases = !negated && 'alias' in def && def.alias ? [def.alias].flat().map((a) => (a.length === 1 ? `-${a}` : `--${a}`)) : []
  const names = [...aliases, name].join(', ')
  if (def.type === 'boolean') return [[names, description]]
  const hint = def.type === 'enum' && def.options ? def.options.join('|') : (def.valueHint ?? key)
  return [[`${names} <${hint}>`, description]]
}

/**
 * Names and descriptions in two columns. Too wide for `columns`: the description wraps within its
 * column, or, when that column would be narrower than MIN_COLUMN, goes under the name.
 */
function table(rows: [string, string][], paint: Paint, columns?: number): string[] {
  const width = Math.max(...rows.map(([left]) => left.length))
  const at = 2 + width + 4
  const room = columns === undefined ? Infinity : columns - at
  return rows.flatMap(([left, right]) => {
    const name = `  ${paint('cyan', left)}`
    if (at + right.length <= (columns ?? Infinity)) return [`${name}${' '.repeat(width - left.length)}    ${right}`.trimEnd()]
    if (room >= MIN_COLUMN) {
      const [first = '', ...rest] = wrapWords(right, room)
      return [`${name}${' '.repeat(width - left.length)}    ${first}`, ...rest.map((row) => ' '.repeat(at) + row)]
    }
    return [name, ...wrapWords(right, columns! - 6).map((row) => `      ${row}`)]
  })
}

/**
 * `pensar login --workspace acme   # what it does`, the comments aligned. Too wide for `columns`,
 * the comment goes above its command, and a command still too wide is continued with ` \` at a
 * space, as a shell reads it: what is copied still runs.
 */
function examples(lines: string[], columns?: number): string[] {
  const split = lines.map((line) => {
    const at = line.indexOf(' # ')
    return at < 0 ? [line, ''] : [line.slice(0, at).trimEnd(), line.slice(at + 3).trim()]
  })
  const width = Math.max(...split.map(([command]) => command!.length))
  const fits = split.every(([command, comment]) => !comment || 2 + width + 4 + 2 + comment.length <= (columns ?? Infinity))
  if (fits) return split.map(([command, comment]) => (comment ? `  ${command}${' '.repeat(width - command!.length)}    # ${comment}` : `  ${command}`))
  return split.flatMap(([command, comment]) => [
    ...(comment ? wrapWords(comment, columns! - 4).map((row) => `  # ${row}`) : []),
    ...continued(command!, columns!),
  ])
}

function continued(command: string, columns: number): string[] {
  if (2 + command.length <= columns) return [`  ${command}`]
  // Shell words are packed whole; between them ` \` continues the line. A word longer than a row
  // (a path) is continued inside itself with a bare `\` and its rest at the start of the next
  // row: the shell joins those without a space, so what is copied still runs. Not a quoted word,
  // where a backslash is kept: it is left whole.
  const rows: string[] = []
  let open = '' // the row being filled, with its indent
  for (const word of command.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? []) {
    if (open && open.length + 1 + word.length + 2 <= columns) {
      open += ` ${word}`
      continue
    }
    if (open) rows.push(`${open} \\`)
    let rest = word
    let indent = rows.length === 0 ? '  ' : '    '
    while (indent.length + rest.length + 2 > columns && rest.length > 1 && !/['"]/.test(rest)) {
      const take = Math.max(1, columns - indent.length - 1)
      rows.push(`${indent}${rest.slice(0, take)}\\`)
      rest = rest.slice(take)
      indent = ''
    }
    open = `${indent}${rest}`
  }
  return [...rows, open]
}
