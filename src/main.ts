// argv → command → exit code. The only place that exits the process and the only place that
// turns an error into a message: 0 ok, 1 error, 2 usage, 4 not logged in / session expired,
// 130 cancelled. Stack traces only with --debug; every message passes through redaction, and
// then through safeText before it reaches stderr (a message may quote what a server sent).
import type { CommandDef } from 'citty'
import { commandTree } from './commands/command-tree'
import { helpTarget } from './commands/help'
import { renderHelp } from './commands/help-text'
import { openInteractive, wantsInteractive } from './commands/interactive'
import { rootCommand } from './commands/root'
import { parseGlobalOptions, withoutGlobalFlags } from './commands/global-args'
import { resolveCommand, runResolved } from './commands/command-line'
import { createContext, writerTo, type Context, type GlobalOptions, type ProcessIo } from './context'
import { cancelledFrom, CancelledError, EXIT, PensarError, SilentError, type ExitCode } from './lib/errors'
import { stackForDebug } from './lib/debug-stack'
import { runHardExitHooks } from './lib/exit-hooks'
import { redactText } from './lib/redact'
import { safeJson, safeText } from './lib/safe-text'
import { processIo } from './process-io'
import { createPaint } from './ui/style'
import { VERSION_FLAGS, versionText } from './version'

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
    const asked = await helpTarget(root, resolved, argv)
    // No command on a terminal: the interactive prompt. Without one: the help.
    if (!asked && wantsInteractive(ctx, words)) {
      await openInteractive(ctx, { input: io.stdin, output: io.stderr })
      // The prompt also ends when SIGTERM or SIGHUP arrives: exit with that signal's code.
      if (ctx.signal.aborted) throw cancelledFrom(ctx.signal)
      return EXIT.ok
    }
    const help = asked ?? (words.length === 0 ? resolved : undefined)
    if (help) {
      // On a terminal, fitted to its width; its columns are read only then (ctx.out builds no stream before).
      writerTo(io, 1)(renderHelp(commandTree(help.cmd, help.names, 1), createPaint(!ctx.env.noColor), ctx.out.isTerminal ? ctx.out.columns : undefined))
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
  if (globals.json) writeOut(`${safeJson({ event: 'error', code: error.code, message, ...(hint ? { hint } : {}) })}\n`)
  if (error instanceof CancelledError) writeErr(`${safeText(message)}\n`)
  else if (ctx && !globals.json) ctx.ui.error(message, hint)
  else writeErr(`Error: ${safeText(message)}\n${hint ? `${safeText(hint)}\n` : ''}`)
  if (globals.debug || ctx?.env.debug) writeErr(`${stackForDebug(original).join('\n')}\n`)
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
