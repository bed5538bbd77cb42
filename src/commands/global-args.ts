// Flags every command accepts. main.ts reads them before citty runs (the Context depends on
// them); each command also declares them so `--help` lists them and the unknown-flag check
// knows them.
import type { ArgsDef } from 'citty'
import type { GlobalOptions } from '../context'
import { requireApiUrl } from '../lib/api-url'
import { UsageError } from '../lib/errors'

export const globalArgs = {
  'api-url': { type: 'string', valueHint: 'url', description: 'Pensar Console API address (env PENSAR_API_URL; default https://api.console.pensar.dev)' },
  json: { type: 'boolean', description: 'Machine-readable output: one JSON object per line on stdout' },
  debug: { type: 'boolean', description: 'Log requests to stderr with every secret redacted (env PENSAR_DEBUG=1)' },
} as const satisfies ArgsDef

const SWITCHES = new Set(['--json', '--no-json', '--debug'])
const isApiUrlFlag = (arg: string) => arg === '--api-url' || arg === '--apiUrl'
const isApiUrlWithValue = (arg: string) => arg.startsWith('--api-url=') || arg.startsWith('--apiUrl=')

/** Reads the global flags from anywhere on the command line (before a bare `--`). */
export function parseGlobalOptions(argv: string[]): GlobalOptions {
  const options: GlobalOptions = { json: false, debug: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    if (arg === '--json') options.json = true
    else if (arg === '--no-json') options.json = false
    else if (arg === '--debug') options.debug = true
    else if (isApiUrlFlag(arg)) options.apiUrl = checkApiUrl(argv[++i])
    else if (isApiUrlWithValue(arg)) options.apiUrl = checkApiUrl(arg.slice(arg.indexOf('=') + 1))
  }
  return options
}

/** The command line without the global flags and --api-url's value: the words main looks at. */
export function withoutGlobalFlags(argv: string[]): string[] {
  const words: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (isApiUrlFlag(arg)) i++
    else if (!SWITCHES.has(arg) && !isApiUrlWithValue(arg)) words.push(arg)
  }
  return words
}

/** The API address given on the command line or in PENSAR_API_URL (lib/api-url.ts), or a usage error (exit 2). */
export function checkApiUrl(value: string | undefined, source = '--api-url'): string {
  if (value === undefined || value.trim() === '' || (source === '--api-url' && value.startsWith('-'))) {
    throw new UsageError(`${source} needs a value, e.g. ${source}${source === '--api-url' ? ' ' : '='}https://api.console.pensar.dev`)
  }
  return requireApiUrl(value, source)
}
