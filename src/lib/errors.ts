// Typed errors. Flows throw these; only src/main.ts turns them into an exit code and a message.

// 5: the workspace cannot pay for inference (billing not set up, no credits, Apex Inference off).
// 129 and 143 are the shell's codes for SIGHUP and SIGTERM (128 + the signal number), as 130 is
// SIGINT's: a script or CI runner that stopped pensar reads the usual code.
export const EXIT = { ok: 0, error: 1, usage: 2, auth: 4, billing: 5, hangup: 129, cancelled: 130, terminated: 143 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export interface PensarErrorOptions {
  /** What the person can do about it, shown under the message. */
  hint?: string
  /** Machine-readable code for `--json` error events, e.g. `access_denied`. */
  code?: string
  exitCode?: ExitCode
  cause?: unknown
}

/** A failure with a message fit for the person at the terminal (exit 1). */
export class PensarError extends Error {
  readonly hint?: string
  readonly code: string
  readonly exitCode: ExitCode

  constructor(message: string, opts: PensarErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = new.target.name
    this.hint = opts.hint
    this.code = opts.code ?? 'error'
    this.exitCode = opts.exitCode ?? EXIT.error
  }
}

/** Bad flags or arguments, or a prompt that is impossible without a terminal (exit 2). */
export class UsageError extends PensarError {
  constructor(message: string, opts: PensarErrorOptions = {}) {
    super(message, { code: 'usage', ...opts, exitCode: EXIT.usage })
  }
}

/** What to do when nothing is logged in, said the same by every command. */
export const NOT_LOGGED_IN_HINT = 'Run `pensar login` (or set PENSAR_API_KEY).'

/** Not logged in, or the session expired and cannot be renewed (exit 4). */
export class AuthError extends PensarError {
  constructor(message = 'Not logged in to Pensar Console.', opts: PensarErrorOptions = {}) {
    super(message, { code: 'not_logged_in', hint: NOT_LOGGED_IN_HINT, ...opts, exitCode: EXIT.auth })
  }
}

/**
 * The person pressed Ctrl-C or Esc (exit 130, the shell's convention for SIGINT), or the process
 * was told to stop (SIGTERM 143, SIGHUP 129: main.ts sets the exit code).
 */
export class CancelledError extends PensarError {
  constructor(message = 'Cancelled.', opts: PensarErrorOptions = {}) {
    super(message, { code: 'cancelled', ...opts, exitCode: opts.exitCode ?? EXIT.cancelled })
  }

  /** The same cancellation (its exit code and `--json` code) in other words, e.g. "Login cancelled." */
  reworded(message: string): CancelledError {
    return this.exitCode === EXIT.cancelled ? new CancelledError(message) : this
  }
}

/** Already reported to the person; main only sets the exit code. */
export class SilentError extends PensarError {
  constructor(exitCode: ExitCode = EXIT.error) {
    super('', { code: 'silent', exitCode })
  }
}

/** Turns an AbortSignal's reason into a CancelledError (signals we abort carry one already). */
export function cancelledFrom(signal: AbortSignal): PensarError {
  return signal.reason instanceof PensarError ? signal.reason : new CancelledError()
}

/** A Node system error's code (`ENOENT`, `EACCES`, …), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined
}

/**
 * Text to quote inside another sentence: its final full stop dropped, so a cause is quoted once
 * and never ends in `.).` or `..` (docs/message-style.md, "Causes").
 */
export function clause(text: string): string {
  return text.trim().replace(/\.+$/, '')
}

/** An error's message as a clause (see `clause`). */
export function causeOf(error: unknown): string {
  return clause(error instanceof Error ? error.message : String(error))
}
