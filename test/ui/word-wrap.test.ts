import { describe, expect, test } from 'bun:test'
import { createWordWrapper } from '../../src/ui/word-wrap'

function wrap(pieces: string[], width: number): string {
  let out = ''
  const wrapper = createWordWrapper(width, (text) => (out += text))
  for (const piece of pieces) wrapper.write(piece)
  wrapper.flush()
  return out
}

const TEXT = 'Server-side request forgery makes a server fetch an address the attacker chose, often inside the network.'

describe('createWordWrapper', () => {
  test('breaks between words, never inside one, and no line is wider than the terminal', () => {
    const out = wrap([TEXT], 30)
    expect(out).toBe('Server-side request forgery\nmakes a server fetch an\naddress the attacker chose,\noften inside the network.')
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(30)
  })

  test('the same result however the text is cut into pieces (a stream)', () => {
    const whole = wrap([TEXT], 30)
    for (let at = 1; at < TEXT.length; at++) expect(wrap([TEXT.slice(0, at), TEXT.slice(at)], 30)).toBe(whole)
    expect(wrap([...TEXT], 30)).toBe(whole)
  })

  test('newlines in the text start a new line and reset the width; a word filling the line exactly fits', () => {
    expect(wrap(['first line\nsecond line that wraps here'], 16)).toBe('first line\nsecond line that\nwraps here')
    expect(wrap(['abcd efgh ijkl'], 9)).toBe('abcd efgh\nijkl')
  })

  test('a word wider than the terminal starts a line and is left to the terminal to break; the next word counts from where it ends', () => {
    // 44 characters on 20 columns end at column 4 of the third row, where " next" still fits.
    expect(wrap(['go https://example.com/a/very/long/path/indeed next'], 20)).toBe('go\nhttps://example.com/a/very/long/path/indeed next')
  })

  test('characters beyond ASCII count once each', () => {
    expect(wrap(['日本語 テキスト を 折り返す'], 8)).toBe('日本語 テキスト\nを 折り返す')
  })
})
