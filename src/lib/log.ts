// The `--debug` log: stderr only, every line redacted (lib/debug-log.ts writes it, through
// consola, loaded only with --debug). Without --debug, `silentLog` drops everything.
export interface Log {
  readonly enabled: boolean
  debug(message: string): void
}

export const silentLog: Log = { enabled: false, debug() {} }
