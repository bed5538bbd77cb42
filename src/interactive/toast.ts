// A notice shaped like a toast: a framed, coloured line that stands apart from the conversation.
import type { Writable } from 'node:stream'
import type { Paint, StyleName } from '../ui/style'

export function showToast(output: Writable, paint: Paint, message: string, tone: Extract<StyleName, 'yellow' | 'cyan' | 'red'> = 'yellow', unicode = true) {
  const [tl, tr, bl, br, h, v, mark] = unicode ? ['╭', '╮', '╰', '╯', '─', '│', '▲'] : ['+', '+', '+', '+', '-', '|', '!']
  const width = message.length + 4
  output.write(
    `${paint(tone, `${tl}${h.repeat(width)}${tr}`)}\n` +
      `${paint(tone, v)} ${paint(tone, mark)} ${paint('bold', message)} ${paint(tone, v)}\n` +
      `${paint(tone, `${bl}${h.repeat(width)}${br}`)}\n`,
  )
}
