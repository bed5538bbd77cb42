// The one boundary for text pensar did not write itself (a server's names, addresses and error
// descriptions, file contents, environment values): it is data, not markup. Before such text
// reaches a terminal, every character that could drive the terminal or hide what a person reads
// is written out visibly (docs/cli-reference.md "Untrusted text"):
//   C0 controls, DEL and C1 controls (so every escape sequence: CSI, OSC, DCS…)  \x1b  \n  \x9b
//   bidirectional embeddings, overrides, isolates and marks ("Trojan Source")   \u202e \u2066
//   zero-width and other invisible characters, line/paragraph separators         \u200b \ufeff
// The zero-width (non-)joiner stays between two characters of a script beyond Latin (Persian,
// Indic scripts, emoji sequences need it) and is shown anywhere else ("ac\u200dme"). Combining
// marks and every other script pass untouched. A char-code loop, not a regex: this runs on the
// start-up path of `status --offline`, and text without anything to show costs one pass.

export function safeText(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x20 && c < 0x7f) continue
    if (escapeLength(text, i) > 0) return escapeFrom(text, i)
  }
  return text
}

/** `safeText` for each line; for our own multi-line messages, whose line breaks are ours. */
export function safeLines(lines: string | readonly string[]): string[] {
  return typeof lines === 'string' ? [safeText(lines)] : lines.map((line) => safeText(line))
}

/**
 * Text of many lines as it streams in (a model's answer): line breaks and tabs are kept, every other
 * character shown as `safeText` shows it. It works piece by piece, so an escape sequence split
 * across two chunks of a stream is just as harmless. `\r\n` is a line break; a lone `\r` is shown.
 */
export function safeMultiline(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split(/([\n\t])/)
    .map((part) => (part === '\n' || part === '\t' ? part : safeText(part)))
    .join('')
}

/** Lines made safe, each ending in a newline: what `Ui.result` writes. */
export function safeBlock(lines: string | readonly string[]): string {
  return safeLines(lines).map((line) => `${line}\n`).join('')
}

/**
 * One JSON line with every character `safeText` would show written as a `\u` escape: the same
 * value once parsed (JSON escapes are exact), but nothing in it can drive a terminal that stdout
 * happens to be. JSON.stringify already escapes C0 controls; C1, bidi and invisible characters
 * it leaves raw.
 */
export function safeJson(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null'
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (c >= 0x20 && c < 0x7f) continue
    if (isShownInJson(json, i)) return escapeJsonFrom(json, i)
  }
  return json
}

/** Display only (the stored and `--json` values stay whole): names and emails beyond this are cut. */
export const DISPLAY_MAX_CHARS = 200

/** `text` cut to `max` characters (code points, never half a pair) ending in `…`. */
export function shortened(text: string, max = DISPLAY_MAX_CHARS): string {
  if (text.length <= max) return text
  const points = Array.from(text)
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`
}

/**
 * How many UTF-16 units starting at `i` must be shown escaped (0: none). Two for a tag character
 * (U+E0000–U+E007F, invisible "ASCII smuggling"), one for anything else.
 */
function escapeLength(text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xad) return 1
  if (c < 0x0370) return 0
  if (c >= 0xd800 && c <= 0xdfff) return surrogateEscape(text, i)
  if (c === 0x200c || c === 0x200d) return isScript(text, i - 1) && isScript(text, i + 1) ? 0 : 1
  return isInvisible(c) ? 1 : 0
}

/** Invisible or direction-changing characters beyond Latin-1 (the joiners are decided by context). */
function isInvisible(c: number): boolean {
  return (
    c === 0x061c || // Arabic letter mark
    c === 0x180e || // Mongolian vowel separator (zero width)
    (c >= 0x200b && c <= 0x200f) || // zero-width space, non-joiner, joiner, LRM, RLM
    (c >= 0x2028 && c <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (c >= 0x2060 && c <= 0x206f) || // word joiner, invisible operators, bidi isolates, deprecated formats
    c === 0xfeff || // zero-width no-break space (BOM)
    (c >= 0xfff9 && c <= 0xfffb) // interlinear annotation
  )
}

/** A pair is fine unless it encodes a tag character; a lone surrogate is shown. */
function surrogateEscape(text: string, i: number): number {
  const c = text.charCodeAt(i)
  const next = text.charCodeAt(i + 1)
  if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return c === 0xdb40 && next <= 0xdc7f ? 2 : 0
  if (c >= 0xdc00 && i > 0) {
    const prev = text.charCodeAt(i - 1)
    if (prev >= 0xd800 && prev <= 0xdbff) return 0 // the second half of a pair seen before
  }
  return 1
}

/** A character of a script that joiners serve: beyond Latin, and itself visible. */
function isScript(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false
  const c = text.charCodeAt(i)
  return c >= 0x0370 && c !== 0x200c && c !== 0x200d && escapeLength(text, i) === 0
}

function escapeFrom(text: string, start: number): string {
  let out = text.slice(0, start)
  for (let i = start; i < text.length; ) {
    const n = escapeLength(text, i)
    if (n === 0) {
      out += text[i]
      i++
    } else {
      out += visible(text.codePointAt(i)!)
      i += n
    }
  }
  return out
}

const NAMED: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' }

/** `\n`, `\x1b`, `\u202e`, `\u{e0041}`: lowercase hex, as a programmer would write the string. */
function visible(codePoint: number): string {
  const named = NAMED[codePoint]
  if (named) return named
  const hex = codePoint.toString(16)
  if (codePoint <= 0xff) return `\\x${hex.padStart(2, '0')}`
  if (codePoint <= 0xffff) return `\\u${hex.padStart(4, '0')}`
  return `\\u{${hex}}`
}

// In JSON the joiners are escaped too: an escape there changes nothing a parser sees.
function isShownInJson(json: string, i: number): boolean {
  const c = json.charCodeAt(i)
  return c === 0x200c || c === 0x200d || escapeLength(json, i) > 0
}

function escapeJsonFrom(json: string, start: number): string {
  let out = json.slice(0, start)
  for (let i = start; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (c >= 0x20 && c < 0x7f) out += json[i]
    else if (isShownInJson(json, i)) {
      const n = escapeLength(json, i) || 1
      for (let k = 0; k < n; k++) out += `\\u${json.charCodeAt(i + k).toString(16).padStart(4, '0')}`
      i += n - 1
    } else out += json[i]
  }
  return out
}
