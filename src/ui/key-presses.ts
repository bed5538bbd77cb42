// Key presses from a terminal in raw mode, decoded by node:readline's parser, with a short Esc
// timeout. Esc is also the first byte of every escape sequence (arrows, Alt+key), so the parser
// waits after a lone Esc; Node's default wait is 500 ms, and a key typed within it after Esc
// (Esc, then `/exit`) is taken for Alt+key and lost. A terminal sends a whole sequence in one
// write, so 30 ms (fish's default) is plenty to join one, and far below human typing speed.
import type * as Readline from 'node:readline'
import type { Readable } from 'node:stream'

export const ESCAPE_TIMEOUT_MS = 30

/**
 * Gives the terminal back the mode it had. A terminal that went away (its window closed, SSH
 * dropped: SIGHUP) refuses with EIO, and there is nothing left to give back; a throw here would
 * leave the prompt neither answered nor cancelled (and Bun spinning on the error it cannot print).
 */
export function restoreMode(input: { setRawMode?: (raw: boolean) => unknown }, raw: boolean): void {
  try {
    input.setRawMode?.(raw)
  } catch {
    // The terminal is gone.
  }
}

const tolerant = new WeakSet<object>()

/**
 * Makes every later mode change of `input` as forgiving as `restoreMode`, for code that is not
 * ours: clack's prompt, cancelled by SIGHUP, gives the mode back inside the abort listener, and the
 * EIO thrown there left its prompt unsettled and Bun spinning at full CPU, never to exit.
 */
export function tolerateGoneTerminal(input: { setRawMode?: (raw: boolean) => unknown }): void {
  const setRawMode = input.setRawMode
  if (!setRawMode || tolerant.has(input)) return
  tolerant.add(input)
  input.setRawMode = (raw) => {
    try {
      return setRawMode.call(input, raw)
    } catch {
      return input // The terminal is gone.
    }
  }
}

/** Makes `input` emit 'keypress' events (once per stream; later calls keep the first set-up). */
export function emitKeypresses(input: Readable): void {
  // Required, not imported: node:readline is only needed once a prompt reads keys.
  const { emitKeypressEvents } = require('node:readline') as typeof Readline
  emitKeypressEvents(input, { escapeCodeTimeout: ESCAPE_TIMEOUT_MS } as unknown as Readline.Interface)
}
