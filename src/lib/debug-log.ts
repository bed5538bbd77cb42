// The `--debug` log, written by consola: a level tag and the time on every line, its fancy form on
// a terminal and plain `[debug]` lines in CI and pipes (consola decides, through std-env). Loaded
// only with --debug (it brings node:util and std-env, a few milliseconds of start-up), and only
// to stderr: consola would send debug lines to stdout, which belongs to --json.
import { createConsola, LogLevels } from 'consola'
import type { Log } from './log'
import { redactText } from './redact'
import { safeText } from './safe-text'

export interface DebugLogOptions {
  write: (text: string) => void
  /** stderr is a terminal, colour is on, and this is not CI: the fancy form. */
  fancy: boolean
}

export function createDebugLog(opts: DebugLogOptions): Log {
  const stream = { write: (text: string) => (opts.write(text), true) } as unknown as NodeJS.WriteStream
  const consola = createConsola({
    level: LogLevels.debug,
    stdout: stream,
    stderr: stream,
    fancy: opts.fancy,
    // Every request is worth its own line: never fold repeats into "(repeated 5 times)".
    throttle: 0,
    formatOptions: { date: true, colors: opts.fancy, compact: true },
  })
  return {
    enabled: true,
    debug(message) {
      // Requests, answers and errors quote what a server sent: shown, never obeyed (safe-text.ts).
      consola.debug(safeText(redactText(message)))
    },
  }
}
