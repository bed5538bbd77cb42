import { describe, expect, test } from 'bun:test'
import { cutToWidth, fitLegend, packRows, visibleLength, wrapLine } from '../../src/ui/fit'
import { createPaint } from '../../src/ui/style'

const paint = createPaint(true)
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m|\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)/g, '')

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

  test('a coloured line wraps by what shows, and each row closes and reopens its colour', () => {
    const line = `Billing:     ${paint('yellow', 'not set up — see Settings > Billing in Pensar Console')}`
    const rows = wrapLine(line, 40)
    expect(rows.map(plain)).toEqual(['Billing:     not set up — see Settings >', '             Billing in Pensar Console'])
    expect(rows[0]).toEndWith('\x1b[39m')
    expect(rows[1]).toBe('             \x1b[33mBilling in Pensar Console\x1b[39m')
    expect(visibleLength('\x1b[1mbold\x1b[22m')).toBe(4)
  })

  test('a link longer than a row is cut into rows that each link to the same address', () => {
    const link = `\x1b]8;;https://c/device\x1b\\${'x'.repeat(50)}\x1b]8;;\x1b\\`
    const rows = wrapLine(link, 30)
    expect(rows.map(plain).join('')).toBe('x'.repeat(50))
    for (const row of rows) {
      expect(visibleLength(row)).toBeLessThanOrEqual(30)
      expect(row).toStartWith('\x1b]8;;https://c/device\x1b\\')
      expect(row).toEndWith('\x1b]8;;\x1b\\')
    }
  })

  test('rows hang under a leading mark, and under the line\'s own indent', () => {
    expect(wrapLine('✓ Session: the access token is valid for 4m 58s by the clock of the server.', 40)).toEqual([
      '✓ Session: the access token is valid for',
      '           4m 58s by the clock of the',
      '           server.',
    ])
    // A label wider than half the row: the rows hang after the mark instead.
    expect(wrapLine('! Browser (warning): no display, so the address must be opened by hand.', 40)).toEqual([
      '! Browser (warning): no display, so the',
      '  address must be opened by hand.',
    ])
    expect(wrapLine('    pensar always prints the address: open it in a browser on any computer.', 40)).toEqual([
      '    pensar always prints the address:',
      '    open it in a browser on any',
      '    computer.',
    ])
    expect(wrapLine('Logged in as demo@pensar.local. Apex will use workspace No Billing (no-billing).', 40)).toEqual([
      'Logged in as demo@pensar.local. Apex',
      'will use workspace No Billing',
      '(no-billing).',
    ])
  })

  test('a silly width still terminates with rows of at least 12 characters', () => {
    const rows = wrapLine('Online:      token accepted, balance $0.42', 3)
    expect(rows.length).toBeGreaterThan(1)
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(12)
    expect(rows.some((row) => row.length > 3)).toBe(true)
  })

  test('a line in one style wraps in that style; one with escapes inside wraps with them intact', () => {
    const dim = (text: string) => `\x1b[2m${text}\x1b[22m`
    expect(wrapLine(dim('The code expires in 10 minutes.'), 16)).toEqual([dim('The code expires'), dim('in 10 minutes.')])
    const boldCyan = (text: string) => paint('bold', paint('cyan', text))
    expect(wrapLine(boldCyan('B C D F - G H J K'), 12)).toEqual([boldCyan('B C D F - G'), boldCyan('H J K')])
    const mixed = `a \x1b[1mbold\x1b[22m word and more words`
    expect(wrapLine(mixed, 12)).toEqual(['a \x1b[1mbold\x1b[22m word', 'and more', 'words'])
  })
})

describe('one-row fits', () => {
  test('fitLegend keeps the items that fit whole', () => {
    expect(fitLegend(['/ commands', 'Tab complete', '/help list', 'Ctrl-C leave'], 30)).toBe('/ commands · Tab complete')
    expect(fitLegend(['/ commands', 'Tab complete'], 100)).toBe('/ commands · Tab complete')
    expect(fitLegend(['/doctor — Check why a login would fail here', 'Tab complete'], 30)).toBe('/doctor — Check why a login…')
  })

  test('cutToWidth cuts at a word and says so with …', () => {
    expect(cutToWidth('Waiting for approval in the browser (code expires in 9m 59s)', 30)).toBe('Waiting for approval in the…')
    expect(cutToWidth('short', 30)).toBe('short')
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
