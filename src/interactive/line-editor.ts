// A one-line editor for the prompt: typing, ←/→, Home/End, Backspace/Delete, Ctrl-U, ↑/↓ history,
// Ctrl-L (clear the screen), Tab completion of slash commands, and a hint line under the prompt
// that follows what is typed.
// The editing rules are a pure function of (state, key) so they are tested without a terminal.
import type { Writable } from 'node:stream'
import { isCtrlC, isEscape, type KeyInput, type KeyPress } from './key-input'
import { columnsOf, cutToWidth, fitLegend, visibleLength } from '../ui/fit'
import { completeLine, hintFor } from './slash-commands'

export interface EditorState {
  text: string
  cursor: number
  /** Earlier lines, oldest first; `historyAt` is an index into it, or its length for the new line. */
  history: string[]
  historyAt: number
}

/** `clear`: Ctrl-L, clear the screen and draw the prompt at the top. */
export type EditorAction = 'edit' | 'submit' | 'exit' | 'clear'

export function initialState(history: string[] = []): EditorState {
  return { text: '', cursor: 0, history, historyAt: history.length }
}

export function applyKey(state: EditorState, key: KeyPress): { state: EditorState; action: EditorAction } {
  const { text, cursor } = state
  const edit = (next: Partial<EditorState>) => ({ state: { ...state, ...next }, action: 'edit' as const })
  if (isCtrlC(key)) return { state, action: 'exit' }
  if (key.ctrl && key.name === 'd') return text === '' ? { state, action: 'exit' } : edit({ text: text.slice(0, cursor) + text.slice(cursor + 1) })
  if (key.name === 'return' || key.name === 'enter') return { state, action: 'submit' }
  if (key.ctrl && key.name === 'l') return { state, action: 'clear' }
  if (key.name === 'tab') {
    const completed = completeLine(text)
    return edit({ text: completed, cursor: completed.length })
  }
  if (isEscape(key) || (key.ctrl && key.name === 'u')) return edit({ text: '', cursor: 0 })
  if (key.name === 'backspace') return cursor === 0 ? { state, action: 'edit' } : edit({ text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 })
  if (key.name === 'delete') return edit({ text: text.slice(0, cursor) + text.slice(cursor + 1) })
  if (key.name === 'left') return edit({ cursor: Math.max(0, cursor - 1) })
  if (key.name === 'right') return edit({ cursor: Math.min(text.length, cursor + 1) })
  if (key.name === 'home' || (key.ctrl && key.name === 'a')) return edit({ cursor: 0 })
  if (key.name === 'end' || (key.ctrl && key.name === 'e')) return edit({ cursor: text.length })
  if (key.name === 'up' || key.name === 'down') return recall(state, key.name === 'up' ? -1 : 1)
  const typed = key.text?.replace(/[\x00-\x1f\x7f]/g, '')
  if (typed) return edit({ text: text.slice(0, cursor) + typed + text.slice(cursor), cursor: cursor + typed.length })
  return { state, action: 'edit' }
}

function recall(state: EditorState, step: -1 | 1): { state: EditorState; action: EditorAction } {
  const historyAt = Math.min(state.history.length, Math.max(0, state.historyAt + step))
  const text = state.history[historyAt] ?? ''
  return { state: { ...state, historyAt, text, cursor: text.length }, action: 'edit' }
}

export interface ReadLineOptions {
  keys: KeyInput
  output: Writable
  /** What is drawn before the text, e.g. `› ` (may carry colour codes). */
  prompt: string
  history: string[]
  dim: (text: string) => string
  /** Our punctuation as the terminal can show it (ui/ascii.ts); as it is by default. */
  shown?: (text: string) => string
  /** Ends the read as an exit when it aborts (SIGTERM, SIGHUP). */
  signal?: AbortSignal
}

export type ReadLineResult = { kind: 'line'; text: string } | { kind: 'exit' }

/** Reads one line. Ctrl-C, or Ctrl-D on an empty line, asks to leave. */
export function readLine(opts: ReadLineOptions): Promise<ReadLineResult> {
  const { output, prompt, dim } = opts
  let state = initialState(opts.history)
  const draw = () => {
    // Neither line may wrap, or "up one line" would miss the prompt: a long line scrolls sideways
    // and the hint is cut to the width.
    const columns = columnsOf(output)
    const room = Math.max(8, columns - visibleLength(prompt) - 1)
    const start = Math.max(0, state.cursor - room)
    const col = visibleLength(prompt) + state.cursor - start
    const hint = fitHint(hintFor(state.text), columns - 1, opts.shown)
    // Clear from the prompt line down, draw prompt and hint, then put the cursor back on the text.
    output.write(`\r\x1b[J${prompt}${state.text.slice(start, start + room)}\n${dim(hint)}\x1b[1A\r${col > 0 ? `\x1b[${col}C` : ''}`)
  }
  const finish = (shown: string) => output.write(`\r\x1b[J${prompt}${shown}\n`)
  return new Promise((resolve) => {
    if (opts.signal?.aborted) return resolve({ kind: 'exit' })
    draw()
    const end = (result: ReadLineResult) => {
      stop()
      opts.signal?.removeEventListener('abort', onAbort)
      finish(result.kind === 'line' ? result.text : '')
      resolve(result)
    }
    const onAbort = () => end({ kind: 'exit' })
    const stop = opts.keys.listen((key) => {
      const next = applyKey(state, key)
      state = next.state
      if (next.action === 'clear') output.write('\x1b[2J\x1b[H')
      if (next.action === 'edit' || next.action === 'clear') return draw()
      end(next.action === 'exit' ? { kind: 'exit' } : { kind: 'line', text: state.text })
    })
    opts.signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The hint must stay one row: a legend keeps the items that fit whole, a sentence is cut at a word. */
function fitHint(hint: string, width: number, shown: (text: string) => string = (text) => text): string {
  return hint.includes(' · ') ? fitLegend(hint.split(' · ').map(shown), width, shown(' · '), shown('…')) : cutToWidth(shown(hint), width, shown('…'))
}
