// A pretend terminal for unit tests of the prompt: an input stream that claims to be a TTY (and
// records raw-mode switches) and an output that keeps everything written, with the escape codes
// stripped for reading. Waiting polls the output until a deadline; it never guesses with sleeps.
import { PassThrough, Writable } from 'node:stream'

export class FakeTtyInput extends PassThrough {
  readonly isTTY = true
  isRaw = false
  readonly rawModes: boolean[] = []
  setRawMode(raw: boolean) {
    this.isRaw = raw
    this.rawModes.push(raw)
    return this
  }
}

export class FakeTtyOutput extends Writable {
  readonly isTTY = true
  readonly columns = 100
  readonly rows = 30
  raw = ''
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void) {
    this.raw += chunk.toString()
    done()
  }
  /** Everything written, without escape codes. */
  get text(): string {
    return this.raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
  }
}

/** Polls `read()` until it contains `expected`; fails with what it last saw. */
export async function eventually(read: () => string, expected: string | RegExp, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    last = read()
    if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last
    await Bun.sleep(10) // polling interval, not a synchronisation guess
  }
  throw new Error(`never saw ${String(expected)} within ${timeoutMs} ms; last:\n${last}`)
}

export const KEY = { enter: '\r', tab: '\t', ctrlC: '\x03', ctrlD: '\x04', esc: '\x1b', up: '\x1b[A', down: '\x1b[B', left: '\x1b[D', backspace: '\x7f' } as const
