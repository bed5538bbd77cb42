// The `--debug` log: stderr only, every line redacted. Without --debug it drops everything.
import { redactText } from './redact'

export interface Log {
  readonly enabled: boolean
  debug(message: string): void
}

export function createLog(opts: { enabled: boolean; write: (line: string) => void }): Log {
  return {
    enabled: opts.enabled,
    debug(message) {
      if (opts.enabled) opts.write(`[debug] ${redactText(message)}\n`)
    },
  }
}

export const silentLog: Log = { enabled: false, debug() {} }
