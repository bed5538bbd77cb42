// The docs and the binary agree, both ways: every command and flag in the tables of README.md
// and docs/cli-reference.md is one the compiled binary's `--help` knows, for the command the
// table names; every command and flag in the binary's help appears in the README's tables; and
// the slash commands in cli-reference.md are the prompt's. A command added to root.ts without a
// README row, or a row for a command that went away, fails here.
import { beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SLASH_COMMANDS } from '../../src/interactive/slash-commands'
import { pensarBinary } from '../helpers/pensar-binary'

const ROOT = join(import.meta.dir, '..', '..')
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const CLI_REFERENCE = readFileSync(join(ROOT, 'docs', 'cli-reference.md'), 'utf8')

interface HelpedCommand {
  /** Words after `pensar`: [] for the root, ['auth', 'status']. */
  path: string[]
  flags: Set<string>
}

let binaryCommands: HelpedCommand[] = []

beforeAll(async () => {
  const binary = await pensarBinary()
  const help = (path: string[]) => {
    const run = Bun.spawnSync([binary, ...path, '--help'], { env: { PATH: process.env.PATH!, NO_COLOR: '1', HOME: '/nonexistent', PENSAR_HOME: '/nonexistent/.pensar' } })
    if (run.exitCode !== 0) throw new Error(`pensar ${path.join(' ')} --help exited ${run.exitCode}: ${run.stderr}`)
    return run.stdout.toString()
  }
  const visit = (path: string[]) => {
    const text = help(path)
    binaryCommands.push({ path, flags: new Set(section(text, 'OPTIONS').flatMap(flagsOfRow)) })
    for (const row of section(text, 'COMMANDS')) visit([...path, row.trim().split(/\s+/)[0]!])
  }
  binaryCommands = []
  visit([])
}, 300_000)

describe('the docs name only what the binary has', () => {
  test.each([['README.md', README], ['docs/cli-reference.md', CLI_REFERENCE]])('every `pensar …` in a table of %s is a command whose --help lists its flags', (_file, text) => {
    const spans = tables(text).flatMap((table) => table.rows.flatMap((row) => codeSpans(row[0] ?? ''))).filter((span) => /^pensar( |$)/.test(span))
    expect(spans.length).toBeGreaterThan(0)
    for (const span of spans) {
      const { command, flags } = parseCommandSpan(span)
      const found = find(command)
      expect({ span, known: Boolean(found) }).toEqual({ span, known: true })
      for (const flag of flags) expect({ span, flag, listed: found!.flags.has(flag) }).toEqual({ span, flag, listed: true })
    }
  })

  test("every flag in the README's flag table is listed by each command its row names", () => {
    const rows = flagTable()
    expect(rows.length).toBeGreaterThan(5)
    for (const { flags, commands } of rows) {
      for (const command of commands) {
        const found = find(command)
        expect({ command: command.join(' '), known: Boolean(found) }).toEqual({ command: command.join(' '), known: true })
        for (const flag of flags) expect({ command: command.join(' '), flag, listed: found!.flags.has(flag) }).toEqual({ command: command.join(' '), flag, listed: true })
      }
    }
  })
})

describe('the README names everything the binary has', () => {
  test("every command in the binary's help has a row in the README's command table", () => {
    const rows = tables(sectionOf(README, '## Commands'))[0]!.rows.flatMap((row) => codeSpans(row[0] ?? '')).filter((span) => span.startsWith('pensar'))
    const documented = rows.map(parseCommandSpan)
    const covered = (path: string[]) =>
      documented.some(({ command, rest }) => startsWith(command, path) || (rest === '…' && startsWith(path, command)))
    const missing = binaryCommands.map((c) => c.path).filter((path) => path.length > 0 && !covered(path))
    expect(missing.map((path) => `pensar ${path.join(' ')}`)).toEqual([])
  })

  test("every flag in the binary's help is in the README's flag table, for that command", () => {
    const rows = flagTable()
    const missing: string[] = []
    for (const { path, flags } of binaryCommands) {
      for (const flag of flags) {
        // `auth …` is login under its legacy name: the same rows document it.
        const asDocumented = path[0] === 'auth' ? ['login', ...path.slice(1)] : path
        if (!rows.some((row) => row.flags.includes(flag) && row.commands.some((c) => c.join(' ') === asDocumented.join(' ')))) missing.push(`pensar ${path.join(' ')} ${flag}`.replace('  ', ' '))
      }
    }
    expect(missing).toEqual([])
  })
})

describe('the interactive prompt', () => {
  test("cli-reference's slash-command table is the prompt's commands and aliases", () => {
    const table = tables(sectionOf(CLI_REFERENCE, '## Interactive mode')).find((t) => t.header[0] === 'command')!
    const documented = table.rows.flatMap((row) => codeSpans(row[0] ?? '')).sort()
    expect(documented).toEqual(SLASH_COMMANDS.flatMap((c) => [c.word, ...c.aliases]).sort())
  })
})

// ---- reading the docs ----

interface Table {
  header: string[]
  rows: string[][]
}

function tables(markdown: string): Table[] {
  const found: Table[] = []
  let lines: string[] = []
  for (const line of [...markdown.split('\n'), '']) {
    if (line.startsWith('|')) {
      lines.push(line)
      continue
    }
    if (lines.length >= 2) found.push({ header: cells(lines[0]!).map((c) => c.toLowerCase()), rows: lines.slice(2).map(cells) })
    lines = []
  }
  return found
}

/** A table row's cells; `\|` is a `|` inside a cell. */
function cells(line: string): string[] {
  return line.replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim().replaceAll('\\|', '|'))
}

function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
}

/** The text from `heading` to the next heading of the same level. */
function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`no "${heading}" section`)
  const level = heading.split(' ')[0]!
  const next = markdown.indexOf(`\n${level} `, start + heading.length + 1)
  return markdown.slice(start, next < 0 ? undefined : next)
}

/** `pensar login --workspace <id>` → command ['login'], flags ['--workspace']; `pensar auth …` → rest '…'. */
function parseCommandSpan(span: string): { command: string[]; flags: string[]; rest?: string } {
  const words = span.split(/\s+/).slice(1)
  const command: string[] = []
  let i = 0
  for (; i < words.length && /^[a-z][a-z-]*$/.test(words[i]!); i++) command.push(words[i]!)
  return { command, flags: words.filter((w) => /^--?[a-z]/.test(w)), rest: words[i] }
}

/** The README's `| flag | commands | meaning |` table: `all` is every command, `pensar` the top level. */
function flagTable(): { flags: string[]; commands: string[][] }[] {
  const table = tables(README).find((t) => t.header[0] === 'flag' && t.header[1] === 'commands')
  if (!table) throw new Error('README has no flag table')
  return table.rows.map((row) => ({
    flags: codeSpans(row[0]!).map((span) => span.split(/\s+/)[0]!),
    commands: row[1]!.trim() === 'all' ? binaryCommands.map((c) => c.path) : row[1]!.split(',').map((c) => (c.trim() === 'pensar' ? [] : c.trim().split(/\s+/))),
  }))
}

// ---- reading the binary's help ----

/** The rows of a help section (`COMMANDS`, `OPTIONS`): the indented lines after its heading. */
function section(help: string, title: string): string[] {
  const lines = help.split('\n')
  const start = lines.indexOf(title)
  if (start < 0) return []
  const rows: string[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('  ')) break
    rows.push(line)
  }
  return rows
}

/** `  -h, --help    Show this help` → ['-h', '--help']; `  --workspace <id|slug>  …` → ['--workspace']. */
function flagsOfRow(row: string): string[] {
  const left = row.trim().split(/\s{2,}/)[0]!
  return left.split(/,\s*/).map((part) => part.split(/\s+/)[0]!).filter((flag) => flag.startsWith('-'))
}

function find(path: string[]): HelpedCommand | undefined {
  return binaryCommands.find((c) => c.path.join(' ') === path.join(' '))
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((word, i) => path[i] === word)
}
