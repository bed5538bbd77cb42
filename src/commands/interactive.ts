// `pensar` with no command on a terminal: the interactive Apex prompt (/login, /status, /logout, /doctor).
// Without a terminal (a pipe, CI, --json) there is nobody to type, so main prints the help instead.
import type { Readable, Writable } from 'node:stream'
import type { Context } from '../context'
import { supportsUnicode } from '../ui/style'

export interface Terminal {
  input: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }
  /** The stream the Ui draws on (stderr), so the prompt and the flows' output interleave in order. */
  output: Writable
}

export function wantsInteractive(ctx: Context, words: string[]): boolean {
  return words.length === 0 && ctx.ui.interactive
}

export async function openInteractive(ctx: Context, terminal: Terminal): Promise<void> {
  const [{ runInteractive }, { flowActions }, { createKeyInput }] = await Promise.all([
    import('../interactive/repl'),
    import('../interactive/actions'),
    import('../interactive/key-input'),
  ])
  await runInteractive(ctx, { keys: createKeyInput(terminal.input), output: terminal.output, actions: flowActions, unicode: supportsUnicode(ctx.env.vars) })
}
