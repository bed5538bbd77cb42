// The terminal's keyboard, in raw mode, as key presses. Raw mode is also what keeps Ctrl-C a key
// (0x03) instead of a SIGINT while the prompt or a step owns the keyboard, so Ctrl-C and Esc can
// cancel just that step.
import type { Readable } from 'node:stream'
import { emitKeypresses, restoreMode } from '../ui/key-presses'

export type KeyInputStream = Readable & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (raw: boolean) => unknown }

export interface KeyPress {
  /** The printable text the key produced, if any. */
  text?: string
  /** Node's key name: `return`, `tab`, `escape`, `up`, `c`, … */
  name?: string
  ctrl: boolean
  meta: boolean
}

/** Returns false to leave the key for whoever listens next (typing ahead of the prompt). */
export type KeyHandler = (key: KeyPress) => boolean | void

export interface KeyInput {
  /** Delivers key presses to `handler` until the returned function is called. */
  listen(handler: KeyHandler): () => void
}

const MAX_TYPEAHEAD = 256

export function createKeyInput(input: KeyInputStream): KeyInput {
  emitKeypresses(input)
  // Keys typed while a step runs (or during the startup check) are kept for the next prompt,
  // as a shell keeps what you type while a command runs.
  let typeahead: KeyPress[] = []
  return {
    listen(handler) {
      let active = true
      const deliver = (key: KeyPress) => {
        if (handler(key) === false && typeahead.length < MAX_TYPEAHEAD) typeahead.push(key)
      }
      const onKeypress = (text: string | undefined, key: { name?: string; ctrl?: boolean; meta?: boolean } = {}) => {
        deliver({ text: text && !key.ctrl && !key.meta ? text : undefined, name: key.name, ctrl: Boolean(key.ctrl), meta: Boolean(key.meta) })
      }
      const replay = () => {
        const pending = typeahead
        typeahead = []
        while (active && pending.length > 0) deliver(pending.shift()!)
        typeahead = [...typeahead, ...pending]
      }
      input.on('keypress', onKeypress)
      if (input.isTTY) input.setRawMode?.(true)
      input.resume()
      queueMicrotask(replay)
      return () => {
        active = false
        input.off('keypress', onKeypress)
        if (input.isTTY) restoreMode(input, false)
        input.pause()
      }
    },
  }
}

export const isCtrlC = (key: KeyPress) => key.ctrl && key.name === 'c'
export const isEscape = (key: KeyPress) => key.name === 'escape'
