import { describe, expect, test } from 'bun:test'
import { completeLine, helpLines, hintFor, IDLE_HINT, parseLine, UNKNOWN_HINT } from '../../src/interactive/slash-commands'

describe('parseLine', () => {
  test.each([
    ['/login', 'login'],
    ['  /LOGIN  ', 'login'],
    ['/auth', 'login'],
    ['/status', 'status'],
    ['/usage', 'usage'],
    ['/new', 'new'],
    ['/logout', 'logout'],
    ['/doctor', 'doctor'],
    ['/help', 'help'],
    ['/exit', 'exit'],
    ['/quit', 'exit'],
  ])('%p runs %p', (line, name) => {
    const parsed = parseLine(line)
    expect(parsed.kind).toBe('command')
    if (parsed.kind === 'command') expect(parsed.command.name).toBe(name as never)
  })

  test('an empty or blank line is nothing', () => {
    expect(parseLine('   ').kind).toBe('empty')
  })

  test('an unknown /word is unknown; a line without a slash is a question for the model', () => {
    expect(parseLine('/log')).toEqual({ kind: 'unknown', word: '/log' })
    expect(parseLine('  what is  SSRF? ')).toEqual({ kind: 'question', text: 'what is  SSRF?' })
    expect(parseLine('why /status?')).toEqual({ kind: 'question', text: 'why /status?' })
  })
})

describe('completeLine (Tab)', () => {
  test('completes a single match and adds a space', () => {
    expect(completeLine('/st')).toBe('/status ')
    expect(completeLine('/au')).toBe('/auth ')
    expect(completeLine('/d')).toBe('/doctor ')
  })
  test('completes several matches up to their common prefix', () => {
    expect(completeLine('/l')).toBe('/log')
  })
  test('leaves the line alone when nothing or nothing more can be completed', () => {
    expect(completeLine('/log')).toBe('/log')
    expect(completeLine('/zzz')).toBe('/zzz')
    expect(completeLine('hello')).toBe('hello')
    expect(completeLine('/login now')).toBe('/login now')
  })
})

describe('hintFor (the line under the prompt)', () => {
  test('idle: how to use the prompt', () => {
    expect(hintFor('')).toBe(IDLE_HINT)
  })
  test('an exact command: what it does', () => {
    expect(hintFor('/status')).toContain('Show the connection')
    expect(hintFor('/doctor')).toBe('/doctor — Check why a login would fail here')
  })
  test('a prefix: the matches and that Tab completes', () => {
    expect(hintFor('/lo')).toBe('/login  /logout · Tab complete')
    expect(hintFor('/he')).toContain('/help — List the commands · Tab complete')
  })
  test('a question: Enter asks the model, in the legend format', () => {
    expect(hintFor('what is')).toBe('Enter ask the model · Esc clear the line · / commands')
  })
  test('no match: the unknown-command hint', () => {
    expect(hintFor('/nope')).toBe(UNKNOWN_HINT)
    expect(UNKNOWN_HINT).toBe('Unknown command — /help lists them')
  })
})

test('/help lists every command and the /auth alias', () => {
  const text = helpLines().join('\n')
  for (const word of ['/login', '/status', '/usage', '/new', '/logout', '/doctor', '/help', '/exit', '/auth']) expect(text).toContain(word)
})
