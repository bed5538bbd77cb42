// A notice shaped like a toast: a framed, coloured line that stands apart from the conversation.
import type { Writable } from 'node:stream'
import { safeText } from '../lib/safe-text'
import type { Paint, StyleName } from '../ui/style'

export function showToast(output: Writable, paint: Paint, message: string, tone: Extract<StyleName, 'yellow' | 'cyan' | 'red'> = 'yellow', unicode = true) {
  const [tl, tr, bl, br, h, v, mark] = unicode ? ['╭', '╮', '╰', '╯', '─', '│', '▲'] : ['+', '+', '+', '+', '-', '|', '!']
  const text = safeText(message)
  const width = text.length + 4
  output.write(
    `${paint(tone, `${tl}${h.repeat(width)}${tr}`)}\n` +
      `${paint(tone, v)} ${paint(tone, mark)} ${paint('bold', text)} ${paint(tone, v)}\n` +
      `${paint(tone, `${bl}${h.repeat(width)}${br}`)}\n`,
  )
}
