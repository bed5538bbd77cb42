// Fitting text to the terminal's width, so a box or a key legend never runs past the right edge
// (where the terminal would wrap it and break the box's frame). Pure functions: tested directly.

/** SGR colours and OSC 8 hyperlinks take no room on screen. */
const ESCAPES = /\x1b\[[0-9;]*m|\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)/g

/** Narrower than this, wrapping only makes things worse (a 20-column terminal leaves 16 inside a box). */
const MIN_WIDTH = 12

export function visibleLength(text: string): number {
  return text.replace(ESCAPES, '').length
}

/**
 * Splits a line into rows no wider than `width`, breaking at spaces (a word longer than a row is
 * cut). Rows after the first are indented under the value of a `Label:   value` line. A line in
 * one style is wrapped in that style; a line with escape codes inside is left whole: cutting
 * through one would garble it.
 */
export function wrapLine(line: string, width: number): string[] {
  const max = Math.max(width, MIN_WIDTH)
  if (visibleLength(line) <= max) return [line]
  // One style around the whole line (dim, bold cyan): each row gets it.
  const styled = /^((?:\x1b\[[0-9;]*m)+)([^\x1b]*)((?:\x1b\[[0-9;]*m)+)$/.exec(line)
  if (styled) return wrapLine(styled[2]!, width).map((row) => `${styled[1]}${row}${styled[3]}`)
  if (line.includes('\x1b')) return [line]
  const indent = ' '.repeat(hangingIndent(line, max))
  const rows: string[] = []
  let prefix = ''
  let rest = line
  while (prefix.length + rest.length > max) {
    const room = max - prefix.length
    const space = rest.lastIndexOf(' ', room)
    // The padding after the label is no place to break: the first row then holds no value.
    const cut = space >= Math.max(1, rows.length ? 1 : indent.length) ? space : room
    rows.push(prefix + rest.slice(0, cut).trimEnd())
    rest = rest.slice(cut).trimStart()
    prefix = indent
  }
  return [...rows, prefix + rest]
}

/** Groups items into rows that fit `width` when joined by a separator `separatorLength` wide. */
export function packRows<T>(items: readonly T[], lengthOf: (item: T) => number, separatorLength: number, width: number): T[][] {
  const rows: T[][] = []
  let used = 0
  for (const item of items) {
    const row = rows.at(-1)
    const length = lengthOf(item)
    if (row && used + separatorLength + length <= width) {
      row.push(item)
      used += separatorLength + length
    } else {
      rows.push([item])
      used = length
    }
  }
  return rows
}

/** The width of a `Label:   ` prefix, when there is one and it leaves room for the value. */
function hangingIndent(line: string, width: number): number {
  const label = /^[A-Za-z][\w ]{0,20}:\s+/.exec(line)?.[0].length ?? 0
  return label <= width / 2 ? label : 0
}
