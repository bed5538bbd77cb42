import { describe, expect, test } from 'bun:test'
import { packRows, visibleLength, wrapLine } from '../../src/ui/fit'

describe('wrapLine', () => {
  test('a line that fits is left alone', () => {
    expect(wrapLine('User:        demo@pensar.local', 40)).toEqual(['User:        demo@pensar.local'])
  })

  test('breaks at spaces, continuation rows indented under the value', () => {
    const rows = wrapLine('Online:      token accepted, balance $0.42 (low), billing NOT ready', 40)
    expect(rows).toEqual(['Online:      token accepted, balance', '             $0.42 (low), billing NOT', '             ready'])
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(40)
  })

  test('a word longer than the room is cut, and the label row still carries a value', () => {
    const rows = wrapLine('Credentials: /home/someone/projects/lab/.pensar/auth.json', 30)
    expect(rows[0]).toBe('Credentials: /home/someone/pro')
    expect(rows.map((r) => r.trimStart()).join('')).toBe('Credentials: /home/someone/projects/lab/.pensar/auth.json')
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(30)
  })

  test('a line with escape codes is never cut (it would garble them)', () => {
    const link = `\x1b]8;;https://c/device\x1b\\${'x'.repeat(50)}\x1b]8;;\x1b\\`
    expect(wrapLine(link, 30)).toEqual([link])
    expect(visibleLength(link)).toBe(50)
    expect(visibleLength('\x1b[1mbold\x1b[22m')).toBe(4)
  })

  test('a silly width still terminates with rows of at least 12 characters', () => {
    const rows = wrapLine('Online:      token accepted, balance $0.42', 3)
    expect(rows.length).toBeGreaterThan(1)
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(12)
    expect(rows.some((row) => row.length > 3)).toBe(true)
  })

  test('a line in one style wraps in that style; one with escapes inside stays whole', () => {
    const dim = (text: string) => `\x1b[2m${text}\x1b[22m`
    expect(wrapLine(dim('The code expires in 10 minutes.'), 16)).toEqual([dim('The code expires'), dim('in 10 minutes.')])
    const mixed = `a \x1b[1mbold\x1b[22m word and more words`
    expect(wrapLine(mixed, 12)).toEqual([mixed])
  })
})

describe('packRows', () => {
  test('fills rows up to the width, never splitting an item', () => {
    const items = ['S switch workspace', 'B open billing page', 'L log in again', 'D disconnect', 'Enter keep', 'Esc cancel']
    const rows = packRows(items, (s) => s.length, 3, 50)
    expect(rows).toEqual([['S switch workspace', 'B open billing page'], ['L log in again', 'D disconnect', 'Enter keep'], ['Esc cancel']])
    expect(packRows(items, (s) => s.length, 3, 200)).toEqual([items])
  })
})
