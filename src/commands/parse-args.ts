// Reads one command's arguments against its citty argument definitions, strictly: a flag the
// command does not declare, a missing value or a wrong enum value is a usage error (citty's
// parser ignores an unknown flag, and a typo like `--worksapce acme` must not go unnoticed).
// Ours rather than citty's `parseArgs`, which loads node:util: about 1 ms of every start-up in
// the compiled binary (bench/FINDINGS.md).
import type { ArgDef, ArgsDef } from 'citty'
import { UsageError } from '../lib/errors'
import { redactText } from '../lib/redact'
import { closestName } from './closest-name'
import { choicesOf } from './command-tree'

export type ParsedArgs = { _: string[] } & Record<string, string | boolean | string[] | undefined>

/** `command` names the command in messages, e.g. "pensar login". */
export function parseCommandArgs(argv: string[], defs: ArgsDef, command: string): ParsedArgs {
  const parsed: ParsedArgs = { _: [] }
  const set = (key: string, value: string | boolean) => {
    for (const name of namesOf(key, defs[key]!)) parsed[name] = value
  }
  for (const key in defs) if (defs[key]!.default !== undefined && defs[key]!.type !== 'positional') set(key, defs[key]!.default!)

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      parsed._.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed._.push(arg)
      continue
    }
    const [flag, inlineValue] = splitFlag(arg)
    const negated = flag.startsWith('no-') ? flagKey(defs, flag.slice(3)) : undefined
    const key = flagKey(defs, flag) ?? (negated && defs[negated]!.type === 'boolean' ? negated : undefined)
    if (!key) throw unknownOption(arg, command, defs)
    const def = defs[key]!
    if (def.type === 'boolean') set(key, booleanValue(arg, inlineValue, key === negated, command))
    else {
      const value = inlineValue ?? argv[++i]
      // `--workspace=` (an empty shell variable) would otherwise mean "not given" and fail only after the browser approval.
      if (value === undefined || value.trim() === '' || (inlineValue === undefined && value.startsWith('-') && value !== '-')) {
        throw new UsageError(`${shown(flagOf(arg))} needs a value, e.g. ${shown(flagOf(arg))}=<${def.valueHint ?? 'value'}>.`, { hint: `Run \`${command} --help\` to see the options.` })
      }
      if (def.type === 'enum' && def.options && !def.options.includes(value)) {
        throw new UsageError(`${shown(flagOf(arg))} must be one of ${def.options.join(', ')}, not ${JSON.stringify(shown(value))}.`)
      }
      set(key, value)
    }
  }

  assignPositionals(parsed, defs, command)
  for (const key in defs) {
    const def = defs[key]!
    if (def.required && def.type !== 'positional' && parsed[key] === undefined) throw new UsageError(`\`${command}\` needs --${key}.`, { hint: `Run \`${command} --help\` to see the options.` })
  }
  return parsed
}

/** The flag a word names: its declared name, its camelCase form or an alias. */
export function flagKey(defs: ArgsDef, name: string): string | undefined {
  for (const key in defs) if (defs[key]!.type !== 'positional' && namesOf(key, defs[key]!).includes(name)) return key
  return undefined
}

function unknownOption(arg: string, command: string, defs: ArgsDef): UsageError {
  const typed = flagOf(arg)
  const known = Object.keys(defs).flatMap((key) => (defs[key]!.type === 'positional' ? [] : namesOf(key, defs[key]!)))
  const near = closestName(withoutDashes(typed), known.filter((name) => name.length > 1))
  const help = `Run \`${command} --help\` to see the options.`
  return new UsageError(`Unknown option ${shown(typed)} for \`${command}\`.`, { hint: near ? `Did you mean --${near}? ${help}` : help })
}

const SHOWN_MAX = 60

/** A word from the command line as a message quotes it: never pages of it (a pasted blob, a runaway variable). */
export function shown(word: string): string {
  return word.length > SHOWN_MAX ? `${word.slice(0, SHOWN_MAX - 1)}… (${word.length} characters)` : word
}

/** `--name=value` → ['name', 'value']; `-x` → ['x', undefined]. */
function splitFlag(arg: string): [string, string | undefined] {
  const body = withoutDashes(arg)
  const eq = body.indexOf('=')
  return eq < 0 ? [body, undefined] : [body.slice(0, eq), body.slice(eq + 1)]
}

/** `--name=value` → `--name`. */
const flagOf = (arg: string) => arg.split('=')[0]!

export const withoutDashes = (arg: string) => arg.slice(arg.startsWith('--') ? 2 : arg.startsWith('-') ? 1 : 0)

function booleanValue(arg: string, inlineValue: string | undefined, negated: boolean, command: string): boolean {
  if (inlineValue === undefined) return !negated
  if (looksLikeSecret(inlineValue)) throw secretOnCommandLine(command)
  if (inlineValue !== 'true' && inlineValue !== 'false') throw new UsageError(`${shown(flagOf(arg))} is a switch: give it alone, or as =true or =false.`)
  return (inlineValue === 'true') !== negated
}

/** Declared positionals take the leading words in order; the words left stay in `_`. */
function assignPositionals(parsed: ParsedArgs, defs: ArgsDef, command: string): void {
  for (const key in defs) {
    const def = defs[key]!
    if (def.type !== 'positional') continue
    const word = parsed._.shift() ?? def.default
    if (word === undefined && def.required !== false) throw new UsageError(`\`${command}\` needs ${key.toUpperCase()}.`, { hint: `Run \`${command} --help\` to see the arguments.` })
    const choices = choicesOf(def)
    if (word !== undefined && choices && !choices.includes(word)) {
      const near = closestName(word, choices)
      throw new UsageError(`\`${command}\` takes ${choices.join(', ')}, not ${JSON.stringify(shown(word))}.`, { hint: near ? `Did you mean \`${command} ${near}\`?` : `Run \`${command} --help\` to see the arguments.` })
    }
    parsed[key] = word
  }
}

/** The spellings of a flag: its name, its camelCase form, its aliases. */
function namesOf(key: string, def: ArgDef): string[] {
  const names = [key]
  const camelKey = camel(key)
  if (camelKey !== key) names.push(camelKey)
  if ('alias' in def && def.alias) names.push(...[def.alias].flat())
  return names
}

/** `with-api-key` → `withApiKey`. */
function camel(name: string): string {
  if (!name.includes('-')) return name
  return name.split('-').map((part, i) => (i === 0 || !part ? part : part[0]!.toUpperCase() + part.slice(1))).join('')
}

/**
 * A word that is, or is meant as, a key or token: one the redactor would hide, or one that starts
 * like one (`psk_x`, a placeholder or a key cut short), which is still not a command.
 */
export function looksLikeSecret(word: string): boolean {
  return redactText(word) !== word || /^(?:psk|rt|sk|dc)_/.test(word)
}

/** A key or token given as an argument (`--with-api-key psk_…`): refused, never repeated back. */
export function secretOnCommandLine(command: string): UsageError {
  return new UsageError(`\`${command}\` does not take a key or token on the command line: \`pensar login --with-api-key\` reads the key from stdin.`, {
    code: 'secret_on_command_line',
    hint: 'Pipe it in, e.g. `pensar login --with-api-key < key.txt`. A key typed on a command line stays in your shell history: clear it there, or revoke the key in Pensar Console (Settings > API keys).',
  })
}
