// The one bag of effects every command and flow receives (gh's Factory). Nothing under
// src/flows or src/commands touches process, os, global fetch or @clack/prompts directly:
// tests build a Context from fakes (test/helpers/context.ts).
import { checkApiUrlValue, requireApiUrl } from './lib/api-url'
import { createBackground, type Background } from './lib/background'
import { createSystemBrowser, type Browser } from './lib/browser'
import { systemClock, type Clock } from './lib/clock'
import { createHttp, type FetchFn, type Http } from './lib/http'
import { silentLog, type Log } from './lib/log'
import { resolvePath } from './lib/resolve-path'
import { createKeychain, keychainTimeoutFrom } from './lib/keychain'
import { credentialModeFrom, type CredentialMode } from './lib/credential-mode'
import { createStore, type Store } from './lib/store'
import { ClackUi, type ClackUiDeps } from './ui/clack'
import { JsonUi, PlainUi } from './ui/plain'
import { createPaint, supportsUnicode } from './ui/style'
import { clipboardWanted } from './ui/terminal-codes'
import type { Ui } from './ui/ui'

export const DEFAULT_API_URL = 'https://api.console.pensar.dev'

export interface Env {
  /** PENSAR_HOME, default ~/.pensar. */
  home: string
  /** --api-url, else PENSAR_API_URL, else the default. See `apiUrlFor` for stored sessions. */
  apiUrl: string
  /** True when the API URL came from --api-url or PENSAR_API_URL (it then beats config.json). */
  apiUrlExplicit: boolean
  /** stdin and stdout are both terminals. */
  isTTY: boolean
  json: boolean
  debug: boolean
  noColor: boolean
  isCI: boolean
  /** PENSAR_CREDENTIAL_STORE: where a login's secrets go (`auto`: the OS keychain when it answers, else the file). */
  credentialStore: CredentialMode
  /** The raw environment, for BROWSER and friends. */
  vars: Record<string, string | undefined>
}

/** stdout: what a command answers (a model's answer, a token, a table). With --json only `ui.emit` writes here. */
export interface Output {
  write(text: string): void
  /** A terminal: text a server chose must be made safe before it is written. */
  readonly isTerminal: boolean
  /** The terminal's width; 80 when it is not one. */
  readonly columns: number
}

export interface Context {
  ui: Ui
  out: Output
  http: Http
  store: Store
  clock: Clock
  browser: Browser
  env: Env
  log: Log
  /** Aborted on Ctrl-C (reason: a CancelledError). Pass it to every wait. */
  signal: AbortSignal
  /** Work the process must finish before it exits, even after Ctrl-C (a refresh already sent). */
  background: Background
  /** Piped input (`login --with-api-key` reads the key here). Absent in most tests. */
  stdin?: StdinSource
  /**
   * When stdin carries piped input (`login --with-api-key < key.txt`) but a person watches the
   * terminal: a Ui that draws on stderr and reads key presses from the terminal itself
   * (/dev/tty), so B still opens the billing page. Undefined without one (CI, `--json`, a pipe
   * on stdout or stderr, Windows). Opened on first call only.
   */
  keyboardUi?(): Promise<Ui | undefined>
}

export interface StdinSource {
  isTTY: boolean
  readAll(): Promise<string>
}

export interface GlobalOptions {
  apiUrl?: string
  json: boolean
  debug: boolean
}

export interface ProcessIo {
  vars: Record<string, string | undefined>
  stdin: NodeJS.ReadStream
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  signal: AbortSignal
  fetch?: FetchFn
  /**
   * The real process's (src/process-io.ts): check for a terminal and write through the file
   * descriptors without building Node's streams, which costs milliseconds at start-up. Without
   * it (tests), the streams' `isTTY` and `write` are used.
   */
  direct?: { isatty(fd: 0 | 1 | 2): boolean; write(fd: 1 | 2, text: string): void }
}

type Io = Pick<ProcessIo, 'stdin' | 'stdout' | 'direct'> & Partial<Pick<ProcessIo, 'stderr'>>

/** Whether stdin (0), stdout (1) or stderr (2) is a terminal. */
export function isTerminal(io: Io, fd: 0 | 1 | 2): boolean {
  if (io.direct) return io.direct.isatty(fd)
  return Boolean((fd === 0 ? io.stdin : fd === 1 ? io.stdout : io.stderr)?.isTTY)
}

/** A function that writes to stdout (1) or stderr (2). */
export function writerTo(io: Io, fd: 1 | 2): (text: string) => void {
  const direct = io.direct
  if (direct) return (text) => direct.write(fd, text)
  return (text) => void (fd === 1 ? io.stdout : io.stderr)!.write(text)
}

/** Throws a UsageError (exit 2) for a PENSAR_API_URL that is not an API address (lib/api-url.ts). */
export function resolveEnv(globals: GlobalOptions, io: Pick<ProcessIo, 'vars' | 'stdin' | 'stdout' | 'direct'>): Env {
  const vars = io.vars
  const explicitUrl = globals.apiUrl ?? (vars.PENSAR_API_URL?.trim() ? requireApiUrl(vars.PENSAR_API_URL, 'PENSAR_API_URL') : undefined)
  const truthy = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
  const userHome = () => vars.HOME || (require('node:os') as typeof import('node:os')).homedir()
  return {
    home: vars.PENSAR_HOME ? resolvePath(expandTilde(vars.PENSAR_HOME, userHome)) : resolvePath(userHome(), '.pensar'),
    apiUrl: explicitUrl ?? DEFAULT_API_URL,
    apiUrlExplicit: explicitUrl !== undefined,
    isTTY: isTerminal(io, 0) && isTerminal(io, 1),
    json: globals.json,
    debug: globals.debug || truthy(vars.PENSAR_DEBUG),
    noColor: vars.NO_COLOR !== undefined || vars.TERM === 'dumb' || !isTerminal(io, 1),
    isCI: truthy(vars.CI),
    credentialStore: credentialModeFrom(vars.PENSAR_CREDENTIAL_STORE, 'PENSAR_CREDENTIAL_STORE') ?? 'auto',
    vars,
  }
}

export async function createContext(globals: GlobalOptions, io: ProcessIo): Promise<Context> {
  const env = resolveEnv(globals, io)
  const writeErr = writerTo(io, 2)
  // consola writes the --debug log; it is loaded only then, so start-up never pays for it.
  const log = env.debug ? (await import('./lib/debug-log')).createDebugLog({ write: writeErr, fancy: !env.noColor && !env.isCI && isTerminal(io, 2) }) : silentLog
  const ui = createUi(env, io)
  return {
    env,
    ui,
    out: stdoutOf(io),
    log,
    clock: systemClock,
    signal: io.signal,
    background: createBackground(),
    stdin: { isTTY: isTerminal(io, 0), readAll: () => readAllText(io.stdin) },
    keyboardUi: async () => (keyboardWanted(env, io) ? terminalKeyboardUi(env, io) : undefined),
    browser: createSystemBrowser({ env: io.vars }),
    http: createHttp({ fetch: io.fetch ?? fetch, clock: systemClock, log, signal: io.signal }),
    store: createStore({
      home: env.home,
      now: () => systemClock.now(),
      warn: (m) => ui.warn(m),
      credentialMode: env.credentialStore,
      keychain: createKeychain({ timeoutMs: keychainTimeoutFrom(io.vars.PENSAR_KEYCHAIN_TIMEOUT) }),
    }),
  }
}

function stdoutOf(io: ProcessIo): Output {
  return {
    write: writerTo(io, 1),
    get isTerminal() {
      return isTerminal(io, 1)
    },
    // Read only when asked: building Node's stdout stream costs milliseconds.
    get columns() {
      return (isTerminal(io, 1) && io.stdout.columns) || 80
    },
  }
}

function createUi(env: Env, io: ProcessIo): Ui {
  const writeErr = writerTo(io, 2)
  if (env.json) return new JsonUi(writeErr, writerTo(io, 1))
  // A command's answer (`report`, `result`) goes to stdout through the file descriptor
  // (process-io.ts): no Node stream is built for it, so `status --offline` starts as fast as before.
  if (!env.isTTY || env.isCI) return new PlainUi(writeErr, writerTo(io, 1))
  // Getter: the real stream is built when the Ui first prompts, not at start-up.
  return clackUi(env, io, {
    get input() {
      return io.stdin
    },
  })
}

function clackUi(env: Env, io: ProcessIo, keys: { readonly input: ClackUiDeps['input'] }): Ui {
  // The escape codes go where the panel goes, stderr: only when that is the terminal too.
  const terminal = isTerminal(io, 2)
  return new ClackUi({
    get input() {
      return keys.input
    },
    get output() {
      return io.stderr
    },
    paint: createPaint(!env.noColor),
    unicode: supportsUnicode(io.vars),
    hyperlinks: terminal && !env.noColor,
    clipboard: terminal && clipboardWanted(io.vars),
    writeOut: writerTo(io, 1),
    signal: io.signal,
  })
}

function keyboardWanted(env: Env, io: ProcessIo): boolean {
  return !env.json && !env.isCI && !isTerminal(io, 0) && isTerminal(io, 1) && isTerminal(io, 2) && process.platform !== 'win32'
}

/** A ClackUi whose key presses come from /dev/tty; undefined when it cannot be opened (no controlling terminal). */
function terminalKeyboardUi(env: Env, io: ProcessIo): Ui | undefined {
  try {
    const { openSync } = require('node:fs') as typeof import('node:fs')
    const { ReadStream } = require('node:tty') as typeof import('node:tty')
    const input = new ReadStream(openSync('/dev/tty', 'r'))
    return clackUi(env, io, { input })
  } catch {
    return undefined
  }
}

/**
 * `~` or `~/…` as the shell would have expanded it: a PENSAR_HOME quoted in a shell, a .env file or
 * a CI setting arrives unexpanded, and would otherwise become a folder named `~` in the current one.
 */
function expandTilde(path: string, userHome: () => string): string {
  if (path === '~') return userHome()
  return path.startsWith('~/') ? `${userHome().replace(/\/+$/, '')}/${path.slice(2)}` : path
}

/**
 * The API a login goes to: an explicit --api-url / PENSAR_API_URL wins, then config.json's (the
 * Console logged in to last), then the default. Stored credentials go only to their own session's
 * address (flows/session/credentials.ts).
 */
export function apiUrlFor(ctx: Pick<Context, 'env' | 'store'>): string {
  if (ctx.env.apiUrlExplicit) return ctx.env.apiUrl
  const stored = ctx.store.readConfig()?.apiUrl
  const checked = stored === undefined ? undefined : checkApiUrlValue(stored)
  return checked?.ok ? checked.url : ctx.env.apiUrl
}

async function readAllText(stream: NodeJS.ReadStream): Promise<string> {
  let text = ''
  const decoder = new TextDecoder()
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}
