// The real process's io, for the entry point. Node's process.stdin/stdout/stderr objects are
// built on first access, which costs 2–7 ms of start-up, and most commands only print a few lines.
// So plain output goes through Bun's file sinks and `isatty` asks the file descriptor; a stream is
// built only when something needs one (a prompt reads stdin, clack draws on stderr). Once a stream
// exists it carries every later write to its descriptor, so output stays in order.
import type * as Tty from 'node:tty'
import type { ProcessIo } from './context'

type Fd = 0 | 1 | 2

export interface RealProcessIo extends ProcessIo {
  direct: NonNullable<ProcessIo['direct']>
  /** Resolves once everything written has reached the descriptor (a piped stdout drains). */
  flush(): Promise<void>
}

export function processIo(signal: AbortSignal): RealProcessIo {
  const built: { stdin?: NodeJS.ReadStream; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream } = {}
  const ttys = new Map<Fd, boolean>()
  const isatty = (fd: Fd) => {
    if (!ttys.has(fd)) ttys.set(fd, isattyFast(fd))
    return ttys.get(fd)!
  }
  return {
    vars: process.env,
    signal,
    get stdin() {
      return (built.stdin ??= heedless(process.stdin))
    },
    get stdout() {
      return (built.stdout ??= heedless(process.stdout))
    },
    get stderr() {
      return (built.stderr ??= heedless(process.stderr))
    },
    direct: {
      isatty,
      write(fd, text) {
        const stream = fd === 1 ? built.stdout : built.stderr
        if (stream) stream.write(text)
        else writeToFd(fd, text)
      },
    },
    async flush() {
      await Promise.all([flushFd(1), flushFd(2)])
      // A pipe is drained so the last line reaches its reader; a terminal takes writes at once, and
      // one that went away would never call back.
      const out = built.stdout
      if (out && !out.isTTY && !failed.has(out)) await new Promise<void>((resolve) => out.write('', () => resolve()))
    },
  }
}

const failed = new WeakSet<object>()

/**
 * A terminal that went away (its window closed, SSH dropped: SIGHUP) fails every read, write and
 * mode change with EIO, and a reader gone from a pipe fails writes with EPIPE. Such a stream's
 * 'error' event is expected, and with no listener Bun would throw it where nothing can catch it
 * (and spin trying to print it on that same terminal). The flows end through the stop signal.
 */
function heedless<T extends NodeJS.ReadStream | NodeJS.WriteStream>(stream: T): T {
  stream.on('error', () => failed.add(stream))
  return stream
}

/**
 * `tty.isatty` without loading node:tty, which costs ~2 ms because it also loads the fs streams:
 * Bun's node:tty takes its isatty from the same native tty_wrap binding. node:tty if that is gone.
 */
export function isattyFast(fd: number): boolean {
  const binding = (() => {
    try {
      return (process as unknown as { binding(name: string): { isTTY?: (fd: number) => boolean } }).binding('tty_wrap')
    } catch {
      return undefined
    }
  })()
  if (typeof binding?.isTTY === 'function') return Boolean(binding.isTTY(fd))
  return (require('node:tty') as typeof Tty).isatty(fd)
}

/**
 * Writes `text` to stdout (1) or stderr (2) through Bun's file sink, which costs nothing to set
 * up (node:fs's writeSync costs ~1 ms the first time). What the descriptor takes at once is
 * written now; the rest (a slow or non-blocking pipe) is written in order, and `flushFd` waits
 * for it. A reader that went away (EPIPE) just drops the output, as a stream would.
 */
export function writeToFd(fd: 1 | 2, text: string): void {
  const sink = sinkFor(fd)
  sink.write(text)
  void flushFd(fd)
}

/** Resolves once everything `writeToFd` was given for `fd` has been written. */
export async function flushFd(fd: 1 | 2): Promise<void> {
  try {
    await sinks[fd]?.flush()
  } catch {
    // Nobody reads any more: nothing left to do with the output.
  }
}

const sinks: { 1?: import('bun').FileSink; 2?: import('bun').FileSink } = {}
const sinkFor = (fd: 1 | 2) => (sinks[fd] ??= (fd === 1 ? Bun.stdout : Bun.stderr).writer())
