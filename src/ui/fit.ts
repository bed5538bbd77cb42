// Fitting text to the terminal's width, so a message, a box or a key legend never runs past the
// right edge, where the terminal would wrap it mid-word and out of the `│` gutter or the box's
// frame. Pure functions: tested directly (test/ui/fit.test.ts).

/** SGR colours and OSC 8 hyperlinks take no room on screen. */
const ESCAPES = /\x1b\[[0-9;]*m|\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)/g

/** Narrower than this, wrapping only makes things worse (a 20-column terminal leaves 16 inside a box). */
const MIN_WIDTH = 12

/** A stream's width in columns: a terminal's own, else 80 (a test's stream, or one that does not say). */
export function columnsOf(output: object): number {
  return (output as { columns?: number }).columns ?? 80
}

export function visibleLength(text: string): number {
  return text.replace(ESCAPES, '').length
}

/**
 * Splits a line into rows no wider than `width`, breaking at spaces (only a word longer than a
 * whole row, such as an address, is cut). Rows after the first hang under the text: under the
 * value of a `Label:   value` line, after a leading mark (`✓ `, `! `), or at the line's own indent.
 * Colours and links (our own escape codes) are carried over: each row closes what is open at its
 * end and opens it again at the start of the next, so no row paints past its frame, and a line
 * in one style (dim, bold cyan) gives rows each in that style.
 */
export function wrapLine(line: string, width: number): string[] {
  const max = Math.max(width, MIN_WIDTH)
  if (visibleLength(line) <= max) return [line]
  const { plain, codes } = splitEscapes(line)
  const indent = hangingIndent(plain, max)
  const spans = breakRows(plain, max, indent)
  return spans.map(({ start, end }, i) => (i === 0 ? '' : ' '.repeat(indent)) + paintSpan(plain, codes, start, end, i === spans.length - 1))
}

/** Plain words in rows no wider than `width`, no indent (a column of a table wraps within itself). */
export function wrapWords(text: string, width: number): string[] {
  return breakRows(text, Math.max(width, MIN_WIDTH), 0).map(({ start, end }) => text.slice(start, end))
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

/**
 * The items of a `·` legend that fit `width` whole, in order (a hint line must stay one row); a
 * first item wider than that is cut at a word.
 */
export function fitLegend(items: readonly string[], width: number, separator = ' · ', ellipsis = '…'): string {
  let shown = ''
  for (const item of items) {
    const next = shown ? `${shown}${separator}${item}` : item
    if (visibleLength(next) > width) return shown || cutToWidth(item, width, ellipsis)
    shown = next
  }
  return shown
}

/** A line cut to `width` at a word boundary, with `ellipsis` where it was cut. */
export function cutToWidth(line: string, width: number, ellipsis = '…'): string {
  if (line.length <= width) return line
  const room = Math.max(1, width - ellipsis.length)
  const space = line.lastIndexOf(' ', room)
  return `${line.slice(0, space > room / 2 ? space : room).trimEnd()}${ellipsis}`
}

interface Span {
  start: number
  end: number
}

/** Rows of `plain` as [start, end) spans, the first `max` wide, the rest `max - indent`. */
function breakRows(plain: string, max: number, indent: number): Span[] {
  const spans: Span[] = []
  let at = 0
  while (plain.length - at > (spans.length ? max - indent : max)) {
    const room = spans.length ? max - indent : max
    const space = plain.lastIndexOf(' ', at + room)
    // The padding after the label is no place to break: the first row then holds no value.
    const lowest = at + (spans.length ? 1 : Math.max(1, indent))
    const cut = space >= lowest ? space : at + room
    spans.push({ start: at, end: trimmedEnd(plain, at, cut) })
    at = cut
    while (plain[at] === ' ') at++
  }
  spans.push({ start: at, end: plain.length })
  return spans
}

function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && text[end - 1] === ' ') end--
  return end
}

/**
 * How far rows after the first are indented: under the value of a `Label:` line (when that
 * leaves room), else after a leading mark and the line's own indent.
 */
function hangingIndent(line: string, width: number): number {
  const lead = /^ */.exec(line)![0].length
  const mark = /^[✓✗!•·◆▲■●*+x-] /.test(line.slice(lead)) ? 2 : 0
  const base = lead + mark
  const label = /^[A-Za-z][\w ()]{0,24}:\s+/.exec(line.slice(base))?.[0].length ?? 0
  return base + label <= width / 2 ? base + label : base <= width / 2 ? base : 0
}

interface Code {
  /** The visible offset the code sits at. */
  at: number
  code: string
}

/** The text without escape codes, and each code with the offset it sits at. */
function splitEscapes(line: string): { plain: string; codes: Code[] } {
  const codes: Code[] = []
  let plain = ''
  let last = 0
  for (const match of line.matchAll(ESCAPES)) {
    plain += line.slice(last, match.index)
    codes.push({ at: plain.length, code: match[0] })
    last = match.index + match[0].length
  }
  return { plain: plain + line.slice(last), codes }
}

/**
 * The row [start, end) with its escape codes: what is open where the row begins is opened again,
 * and what is still open at its end is closed (the last row keeps the line's own closing codes).
 */
function paintSpan(plain: string, codes: readonly Code[], start: number, end: number, lastRow: boolean): string {
  const open = new OpenCodes()
  for (const c of codes) if (c.at < start) open.apply(c.code)
  let row = open.reopen()
  let at = start
  for (const c of codes) {
    if (c.at < start || (!lastRow && c.at >= end)) continue
    row += plain.slice(at, Math.min(c.at, end)) + c.code
    at = Math.min(c.at, end)
    open.apply(c.code)
  }
  row += plain.slice(at, end)
  return lastRow ? row : row + open.close()
}

/** The colours and link in force at a point of a line, by what each SGR parameter sets. */
class OpenCodes {
  private readonly sgr = new Map<string, string>()
  private link = ''

  apply(code: string) {
    if (code.startsWith('\x1b]8;')) {
      this.link = /^\x1b\]8;[^;\x07\x1b]*;(?=[^\x07\x1b])/.test(code) ? code : ''
      return
    }
    for (const param of code.slice(2, -1).split(';')) {
      const n = Number(param || 0)
      if (n === 0) this.sgr.clear()
      const group = SGR_GROUPS.find((g) => g.sets.includes(n) || g.resets === n)
      if (!group) continue
      if (group.resets === n) this.sgr.delete(group.name)
      else this.sgr.set(group.name, `\x1b[${n}m`)
    }
  }

  reopen(): string {
    return [...this.sgr.values()].join('') + this.link
  }

  /** Each open attribute's own reset (not a full reset): a row ends as a line in one style would. */
  close(): string {
    const resets = [...this.sgr.keys()].map((name) => `\x1b[${SGR_GROUPS.find((g) => g.name === name)!.resets}m`)
    return resets.reverse().join('') + (this.link ? '\x1b]8;;\x1b\\' : '')
  }
}

// Literal arrays: computing them at load (Array.from, spread) cost about 1 ms of every command's
// start-up in the compiled binary (measured against main's binary with bench/ timings).
const SGR_GROUPS = [
  { name: 'fg', sets: [30, 31, 32, 33, 34, 35, 36, 37, 38, 90, 91, 92, 93, 94, 95, 96, 97], resets: 39 },
  { name: 'bg', sets: [40, 41, 42, 43, 44, 45, 46, 47, 48, 100, 101, 102, 103, 104, 105, 106, 107], resets: 49 },
  { name: 'weight', sets: [1, 2], resets: 22 },
  { name: 'italic', sets: [3], resets: 23 },
  { name: 'underline', sets: [4], resets: 24 },
  { name: 'inverse', sets: [7], resets: 27 },
]
