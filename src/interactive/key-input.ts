// The terminal's keyboard, in raw mode, as key presses. Raw mode is also what keeps Ctrl-C a key
// (0x03) instead of a SIGINT while the prompt or a step owns the keyboard, so Ctrl-C and Esc can
// cancel just that step.
import { emitKeypressEvents } from 'node:readline'
import type { Readable } from 'node:stream'

export type KeyInputStream = Readable & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (raw: boolean) => unknown }

export interface KeyPress {
  /** The printable text the key produced, if any. */
  text?: string
  /** Node's key name: `return`, `tab`, `escape`, `up`, `c`, … */
  name?: string
  ctrl: boolean
  meta: boolean
}

export type KeyHandler = (key: KeyPress) => void

export interface KeyInput {
  /** Delivers every key press to `handler` until the returned function is called. */
  listen(handler: KeyHandler): () => void
}

export function createKeyInput(input: KeyInputStream): KeyInput {
  emitKeypressEvents(input)
  return {
    listen(handler) {
      const onKeypress = (text: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean } = {}) => {
        handler({ text: text && !key.ctrl && !key.meta ? text : undefined, name: key.name, ctrl: Boolean(key.ctrl), meta: Boolean(key.meta) })
      }
      input.on('keypress', onKeypress)
      if (input.isTTY) input.setRawMode?.(true)
      input.resume()
      return () => {
        input.off('keypress', onKeypress)
        if (input.isTTY) input.setRawMode?.(false)
        input.pause()
      }
    },
  }
}

export const isCtrlC = (key: KeyPress) => key.ctrl && key.name === 'c'
export const isEscape = (key: KeyPress) => key.name === 'escape'
