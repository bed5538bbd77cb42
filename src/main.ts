// argv → command → exit code. The only place that exits the process and the only place that
// turns an error into a message: 0 ok, 1 error, 2 usage, 4 not logged in / session expired,
// 130 cancelled. Stack traces only with --debug; every message passes through redaction.
import { renderUsage, type CommandDef } from 'citty'
import { openInteractive, wantsInteractive } from './commands/interactive'
import { rootCommand } from './commands/root'
import { parseGlobalOptions, withoutGlobalFlags } from './commands/global-args'
import { resolveCommand, runResolved } from './commands/command-line'
import { createContext, writerTo, type Context, type GlobalOptions, type ProcessIo } from './context'
import { cancelledFrom, CancelledError, EXIT, PensarError, SilentError, type ExitCode } from './lib/errors'
import { runHardExitHooks } from './lib/exit-hooks'
import { redactText } from './lib/redact'
import { processIo } from './process-io'
import { VERSION_FLAGS, versionText } from './version'

const HELP_FLAGS = new Set(['--help', '-h'])

/** `makeRoot` lets tests run main's error handling around a command of their own. */
export async function main(argv: string[], io: ProcessIo, makeRoot: (ctx: Context) => CommandDef<any> = rootCommand): Promise<ExitCode> {
  let globals: GlobalOptions = { json: argv.includes('--json'), debug: argv.includes('--debug') }
  let ctx: Context | undefined
  try {
    globals = parseGlobalOptions(argv)
    const words = withoutGlobalFlags(argv)
    if (words.length === 1 && VERSION_FLAGS.has(words[0]!)) return printVersion(io, globals.json)
    ctx = await createContext(globals, io)
    const root = makeRoot(ctx)
    const resolved = await resolveCommand(root, argv)
    const asksHelp = argv.some((a) => HELP_FLAGS.has(a))
    // No command on a terminal: the interactive prompt. Without one: the help.
    if (!asksHelp && wantsInteractive(ctx, words)) {
      await openInteractive(ctx, { input: io.stdin, output: io.stderr })
      // The prompt also ends when SIGTERM or SIGHUP arrives: exit with that signal's code.
      if (ctx.signal.aborted) throw cancelledFrom(ctx.signal)
      return EXIT.ok
    }
    if (words.length === 0 || asksHelp) {
      const usage = await renderUsage(resolved.cmd, resolved.parent)
      // citty pads every column to its widest cell, the last one too: no trailing blanks.
      const lines = (ctx.env.noColor ? stripAnsi(usage) : usage).split('\n').map((line) => line.trimEnd())
      writerTo(io, 1)(`${lines.join('\n')}\n`)
      return EXIT.ok
    }
    await runResolved(resolved)
    return EXIT.ok
  } catch (error) {
    return report(toPensarError(error, globals.debug || Boolean(ctx?.env.debug)), error, globals, io, ctx)
  } finally {
    // Whatever the outcome, even Ctrl-C: a refresh already sent saves its tokens first.
    await ctx?.background.settled()
  }
}

function printVersion(io: ProcessIo, json: boolean): ExitCode {
  writerTo(io, 1)(versionText(json))
  return EXIT.ok
}

function toPensarError(error: unknown, debug: boolean): PensarError {
  if (error instanceof PensarError) return error
  const message = error instanceof Error ? error.message : String(error)
  const hint = debug ? 'The details are below; please report them if it keeps happening.' : 'Run again with --debug for details, and report it if it keeps happening.'
  return new PensarError(`Unexpected error: ${message}`, { code: 'internal', hint })
}

function report(error: PensarError, original: unknown, globals: GlobalOptions, io: ProcessIo, ctx?: Context): ExitCode {
  if (error instanceof SilentError) return error.exitCode
  const message = redactText(error.message)
  const hint = error.hint ? redactText(error.hint) : undefined
  const writeOut = writerTo(io, 1)
  const writeErr = writerTo(io, 2)
  if (globals.json) writeOut(`${JSON.stringify({ event: 'error', code: error.code, message, ...(hint ? { hint } : {}) })}\n`)
  if (error instanceof CancelledError) writeErr(`${message}\n`)
  else if (ctx && !globals.json) ctx.ui.error(message, hint)
  else writeErr(`Error: ${message}\n${hint ? `${hint}\n` : ''}`)
  if (globals.debug || ctx?.env.debug) {
    const stack = original instanceof Error && original.stack ? original.stack : String(original)
    writeErr(`${redactText(stack)}\n`)
  }
  return error.exitCode
}


/**
 * How each signal that asks pensar to stop is told. SIGTERM is what `timeout`, `docker stop` and
 * a cancelled CI job send, SIGHUP what a closed terminal or SSH connection sends.
 */
const STOP_SIGNALS = {
  SIGINT: { exitCode: EXIT.cancelled, code: 'cancelled', message: 'Cancelled.' },
  SIGTERM: { exitCode: EXIT.terminated, code: 'terminated', message: 'Stopped by SIGTERM.' },
  SIGHUP: { exitCode: EXIT.hangup, code: 'hangup', message: 'Stopped by SIGHUP (the terminal went away).' },
} as const

/**
 * Ctrl-C, SIGTERM and SIGHUP abort the running flow: it cleans up (a renewal already sent is saved
 * first, see lib/background.ts), and the process exits 130, 143 or 129. A second one of them exits
 * at once, after releasing the refresh lock and the disk reserve (lib/exit-hooks.ts).
 */
function interruptSignal(): AbortSignal {
  const controller = new AbortController()
  for (const [name, how] of Object.entries(STOP_SIGNALS)) {
    process.on(name, () => {
      if (controller.signal.aborted) {
        runHardExitHooks()
        // A spinner hides the cursor; leaving without showing it again would keep it hidden in the shell.
        try {
          if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\n')
        } catch {
          // The terminal is gone (SIGHUP): nothing to show the cursor on.
        }
        process.exit(how.exitCode)
      }
      controller.abort(new CancelledError(how.message, { exitCode: how.exitCode, code: how.code }))
    })
  }
  return controller.signal
}

/** The real process (src/entry.ts): run, let piped stdout drain so the last JSON line is never lost, exit. */
export async function runProcess(argv: string[]): Promise<never> {
  const io = processIo(interruptSignal())
  const code = await main(argv, io)
  await io.flush()
  process.exit(code)
}

function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '')
}
