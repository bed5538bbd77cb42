// The slash commands the interactive prompt knows, how a typed line maps to one (any other line is
// a question for the model), and what Tab completes and the hint line says while typing.

export type SlashCommandName = 'login' | 'status' | 'usage' | 'new' | 'logout' | 'doctor' | 'help' | 'exit'

export interface SlashCommand {
  name: SlashCommandName
  /** What the person types, with the slash: `/login`. */
  word: string
  summary: string
  /** Kept for people used to older names (`/auth`); completes, but is not listed in /help. */
  aliases: string[]
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: 'login', word: '/login', summary: 'Connect to Pensar Console, or manage the connection', aliases: ['/auth'] },
  { name: 'status', word: '/status', summary: 'Show the connection: user, workspace, balance', aliases: [] },
  { name: 'usage', word: '/usage', summary: 'Show the spend per user and per API key (last 30 days)', aliases: [] },
  { name: 'new', word: '/new', summary: 'Start a new conversation with the model', aliases: [] },
  { name: 'logout', word: '/logout', summary: 'Disconnect and remove the stored tokens', aliases: [] },
  { name: 'doctor', word: '/doctor', summary: 'Check why a login would fail here', aliases: [] },
  { name: 'help', word: '/help', summary: 'List the commands', aliases: ['/?'] },
  { name: 'exit', word: '/exit', summary: 'Leave (Ctrl-C does too)', aliases: ['/quit'] },
]

export type ParsedLine =
  | { kind: 'empty' }
  | { kind: 'command'; command: SlashCommand; args: string[] }
  | { kind: 'unknown'; word: string }
  | { kind: 'question'; text: string }

export function parseLine(line: string): ParsedLine {
  const [word, ...args] = line.trim().split(/\s+/).filter(Boolean)
  if (!word) return { kind: 'empty' }
  if (!word.startsWith('/')) return { kind: 'question', text: line.trim() }
  const command = findCommand(word)
  return command ? { kind: 'command', command, args } : { kind: 'unknown', word }
}

function findCommand(word: string): SlashCommand | undefined {
  const typed = word.toLowerCase()
  return SLASH_COMMANDS.find((c) => c.word === typed || c.aliases.includes(typed))
}

/** Every word (names and aliases) that starts with what was typed. */
export function matchingWords(text: string): string[] {
  const typed = text.trimStart().toLowerCase()
  if (!typed.startsWith('/') || /\s/.test(typed)) return []
  return SLASH_COMMANDS.flatMap((c) => [c.word, ...c.aliases]).filter((w) => w.startsWith(typed))
}

/**
 * What Tab does to the line: a single match is completed (with a trailing space), several are
 * completed up to their common prefix, and anything else is left alone.
 */
export function completeLine(text: string): string {
  const words = matchingWords(text)
  if (words.length === 1) return `${words[0]} `
  if (words.length === 0) return text
  const prefix = commonPrefix(words)
  return prefix.length > text.trimStart().length ? prefix : text
}

/** A key legend, in the one format of every legend (docs/message-style.md, "Keys"), after what the line is for. */
export const IDLE_HINT = 'Ask a question, or type / for commands · Tab complete · Ctrl-C leave'
export const UNKNOWN_HINT = 'Unknown command — /help lists them'

/** What the prompt says to a line that is no command. */
export function unknownCommand(word: string): string {
  return `Unknown command ${word}: /help lists the commands.`
}

/** The one line shown under the prompt while typing. */
export function hintFor(text: string): string {
  const typed = text.trim()
  if (typed === '') return IDLE_HINT
  if (!typed.startsWith('/')) return 'Enter ask the model · Esc clear the line · / commands'
  const exact = parseLine(typed)
  if (exact.kind === 'command') return `${exact.command.word} — ${exact.command.summary}`
  const words = matchingWords(typed)
  if (words.length === 0) return UNKNOWN_HINT
  if (words.length === 1) {
    const command = findCommand(words[0]!)!
    return `${words[0]} — ${command.summary} · Tab complete`
  }
  return `${words.join('  ')} · Tab complete`
}

/** The /help text: one line per command. */
export function helpLines(): string[] {
  const width = Math.max(...SLASH_COMMANDS.map((c) => c.word.length))
  return SLASH_COMMANDS.map((c) => {
    const alias = c.name === 'login' ? ' (also /auth)' : ''
    return `${c.word.padEnd(width)}  ${c.summary}${alias}`
  })
}

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? ''
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1)
  return prefix
}
