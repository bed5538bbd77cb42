// A notice shaped like a toast: a framed, coloured line that stands apart from the conversation.
// A message wider than the terminal wraps inside the frame (ui/fit.ts), never through it.
import type { Writable } from 'node:stream'
import { safeText } from '../lib/safe-text'
import { toAscii } from '../ui/ascii'
import { columnsOf, wrapLine } from '../ui/fit'
import type { Paint, StyleName } from '../ui/style'

export function showToast(output: Writable, paint: Paint, message: string, tone: Extract<StyleName, 'yellow' | 'cyan' | 'red'> = 'yellow', unicode = true) {
  const [tl, tr, bl, br, h, v, mark] = unicode ? ['╭', '╮', '╰', '╯', '─', '│', '▲'] : ['+', '+', '+', '+', '-', '|', '!']
  const rows = wrapLine(unicode ? safeText(message) : toAscii(safeText(message)), columnsOf(output) - 6)
  const width = Math.max(...rows.map((r) => r.length))
  const body = rows.map((row, i) => `${paint(tone, v)} ${i === 0 ? paint(tone, mark) : ' '} ${paint('bold', row.padEnd(width))} ${paint(tone, v)}\n`).join('')
  output.write(`${paint(tone, `${tl}${h.repeat(width + 4)}${tr}`)}\n${body}${paint(tone, `${bl}${h.repeat(width + 4)}${br}`)}\n`)
}
