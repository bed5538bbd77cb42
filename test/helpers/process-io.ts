// A ProcessIo for calling main() in-process: captured stdout/stderr, no terminal.
import type { ProcessIo } from '../../src/context'
import type { FetchFn } from '../../src/lib/http'

export interface CapturedIo extends ProcessIo {
  out(): string
  err(): string
}

export function captureIo(opts: { vars?: Record<string, string | undefined>; fetch?: FetchFn; signal?: AbortSignal; tty?: boolean } = {}): CapturedIo {
  let out = ''
  let err = ''
  const stream = (write: (s: string) => void) => ({ isTTY: opts.tty ?? false, write: (s: string) => (write(String(s)), true) }) as unknown as NodeJS.WriteStream
  return {
    // The file store unless a test asks for another: the test process can reach a developer's own
    // keychain (a D-Bus session, macOS), which must never see a test's session.
    vars: { HOME: process.env.HOME, PENSAR_HOME: process.env.PENSAR_HOME, NO_COLOR: '1', PENSAR_CREDENTIAL_STORE: 'file', ...opts.vars },
    stdin: { isTTY: opts.tty ?? false } as NodeJS.ReadStream,
    stdout: stream((s) => (out += s)),
    stderr: stream((s) => (err += s)),
    signal: opts.signal ?? new AbortController().signal,
    fetch: opts.fetch,
    out: () => out,
    err: () => err,
  }
}
