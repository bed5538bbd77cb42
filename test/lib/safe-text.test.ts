// The one sanitizer for untrusted text, against a table of hostile strings: every control,
// escape sequence, bidi and invisible character is shown visibly; combining marks and other
// scripts pass untouched.
import { describe, expect, test } from 'bun:test'
import { DISPLAY_MAX_CHARS, safeJson, safeLines, safeText, shortened } from '../../src/lib/safe-text'

/** Nothing in `text` that a terminal would act on or that reads differently than it shows. */
const DANGEROUS = /[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/u

describe('every C0 and C1 control, and DEL, is shown as an escape', () => {
  const named: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' }
  const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)]
  test.each(controls.map((c) => [c.toString(16).padStart(2, '0'), c]))('U+00%s', (_hex, c) => {
    const shown = safeText(`a${String.fromCharCode(c)}b`)
    expect(shown).toBe(`a${named[c] ?? `\\x${c.toString(16).padStart(2, '0')}`}b`)
    expect(shown).not.toMatch(DANGEROUS)
  })
})

const HOSTILE: [string, string, string][] = [
  ['CSI clear screen', 'Acme\x1b[2J\x1b[H', 'Acme\\x1b[2J\\x1b[H'],
  ['CSI colour that never ends', '\x1b[31mred', '\\x1b[31mred'],
  ['8-bit CSI (U+009B)', 'Acme\x9b2J', 'Acme\\x9b2J'],
  ['OSC 52 clipboard write ended by BEL', '\x1b]52;c;ZWNobyBwd25lZA==\x07', '\\x1b]52;c;ZWNobyBwd25lZA==\\x07'],
  ['OSC 8 link ended by ST', '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\', '\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\'],
  ['OSC title with 8-bit ST', '\x9d0;pwned\x9c', '\\x9d0;pwned\\x9c'],
  ['DCS', '\x1bP1$r0m\x1b\\', '\\x1bP1$r0m\\x1b\\'],
  ['8-bit DCS (U+0090)', '\x90q#0\x9c', '\\x90q#0\\x9c'],
  ['carriage return over a line', 'evil\rGood name', 'evil\\rGood name'],
  ['a forged second line', 'Acme\n◆  Logged in as admin', 'Acme\\n◆  Logged in as admin'],
  ['backspaces', 'admin\b\b\b\b\buser', 'admin\\x08\\x08\\x08\\x08\\x08user'],
  ['right-to-left override (Trojan Source)', 'invoice\u202efdp.exe', 'invoice\\u202efdp.exe'],
  ['every bidi embedding and override', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
  ['every bidi isolate', '\u2066a\u2067b\u2068c\u2069', '\\u2066a\\u2067b\\u2068c\\u2069'],
  ['bidi marks', 'a\u200eb\u200fc\u061cd', 'a\\u200eb\\u200fc\\u061cd'],
  ['zero-width space in a name', 'ac\u200bme', 'ac\\u200bme'],
  ['zero-width joiner between Latin letters', 'ac\u200dme', 'ac\\u200dme'],
  ['zero-width non-joiner at the end', 'acme\u200c', 'acme\\u200c'],
  ['word joiner and BOM', '\ufeffac\u2060me', '\\ufeffac\\u2060me'],
  ['soft hyphen', 'pay\u00adpal', 'pay\\xadpal'],
  ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ['Mongolian vowel separator', 'a\u180eb', 'a\\u180eb'],
  ['invisible tag characters', 'hi\u{e0041}\u{e0042}', 'hi\\u{e0041}\\u{e0042}'],
  ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ['a lone trailing surrogate', 'a\udc00', 'a\\udc00'],
]

describe('hostile strings', () => {
  test.each(HOSTILE)('%s', (_name, input, shown) => {
    expect(safeText(input)).toBe(shown)
    expect(safeText(input)).not.toMatch(DANGEROUS)
  })

  test('nothing is dropped: every hostile character leaves a visible trace', () => {
    for (const [, input] of HOSTILE) expect(safeText(input).length).toBeGreaterThan(input.length)
  })
})

const SURVIVORS: [string, string][] = [
  ['plain ASCII', 'Acme Corp (acme-corp) — $50.00'],
  ['combining acute accent', 'Cafe\u0301 Ze\u0301ro'],
  ['stacked combining marks', 'Z\u0351\u036b\u0343a\u0310l\u0352g\u030co'],
  ['Vietnamese', 'Nguyễn Thị Minh Khai'],
  ['Greek', 'Ωμέγα Ανάλυση'],
  ['Cyrillic', 'Лаборатория Касперского'],
  ['Japanese', '東京セキュリティ株式会社'],
  ['Korean', '보안 연구소'],
  ['Arabic', 'شركة الأمن'],
  ['Hebrew', 'אבטחת מידע'],
  ['Devanagari with a virama and ZWJ', 'क्\u200dष सुरक्षा'],
  ['Persian with a zero-width non-joiner', 'می\u200cخواهم'],
  ['emoji ZWJ sequence', 'team 👩\u200d💻 red'],
  ['emoji with a variation selector and skin tone', '☁\ufe0f 👍🏽'],
  ['Thai', 'ความปลอดภัย'],
  ['an email', 'anaïs.o\u2019brien@example.com'],
]

describe('text that must survive untouched', () => {
  test.each(SURVIVORS)('%s', (_name, input) => {
    expect(safeText(input)).toBe(input)
  })

  test('returns the very same string when there is nothing to show (no copy)', () => {
    const text = 'Acme'.repeat(50)
    expect(safeText(text)).toBe(text)
  })
})

describe('safeLines', () => {
  test('each line on its own; a line break inside a line is shown', () => {
    expect(safeLines(['one', 'two\nthree'])).toEqual(['one', 'two\\nthree'])
    expect(safeLines('x\x1by')).toEqual(['x\\x1by'])
  })
})

describe('safeJson: exact JSON, nothing a terminal acts on', () => {
  const nasty = { name: 'A\x1b]52;c;eA==\x07\u202e\x9b\u200d\u2028\u{e0041}\x7f', plain: 'Acme', list: ['é', 'क्\u200dष'] }
  test('parses back to the very same value', () => {
    expect(JSON.parse(safeJson(nasty))).toEqual(nasty)
  })

  test('holds no raw control, bidi or invisible character, joiners included', () => {
    const line = safeJson(nasty)
    expect(line).not.toMatch(DANGEROUS)
    expect(line).not.toMatch(/[\u200c\u200d]/)
    expect(line).toContain('\\u202e')
    expect(line).toContain('\\u009b')
    expect(line).toContain('\\udb40\\udc41')
  })

  test('plain values are JSON.stringify exactly', () => {
    expect(safeJson({ event: 'authorized', n: 1, s: 'Ωμέγα' })).toBe(JSON.stringify({ event: 'authorized', n: 1, s: 'Ωμέγα' }))
  })
})

describe('shortened', () => {
  test(`a name over ${DISPLAY_MAX_CHARS} characters is cut with …`, () => {
    const long = 'a'.repeat(500)
    expect(shortened(long)).toBe(`${'a'.repeat(DISPLAY_MAX_CHARS - 1)}…`)
    expect(Array.from(shortened(long))).toHaveLength(DISPLAY_MAX_CHARS)
    expect(shortened('a'.repeat(DISPLAY_MAX_CHARS))).toBe('a'.repeat(DISPLAY_MAX_CHARS))
  })

  test('never cuts a character in half', () => {
    const emoji = '😀'.repeat(150) // 300 UTF-16 units, 150 characters
    expect(shortened(emoji)).toBe(emoji)
    const cut = shortened('😀'.repeat(300))
    expect(cut).toBe(`${'😀'.repeat(DISPLAY_MAX_CHARS - 1)}…`)
  })
})
