import { expect, test } from 'bun:test'
import { toAscii } from '../../src/ui/ascii'
import { cutToWidth } from '../../src/ui/fit'

test('our punctuation in ASCII; other scripts and plain ASCII left as they are', () => {
  expect(toAscii('Waiting… · Esc cancel — it’s “fine” → ok ← back')).toBe('Waiting... - Esc cancel - it\'s "fine" -> ok <- back')
  expect(toAscii('↑↓ choose')).toBe('Up/Down choose')
  expect(toAscii('✓ fine, ✗ failed, • item')).toBe('+ fine, x failed, * item')
  expect(toAscii('Équipe 東京 (tokyo)')).toBe('Équipe 東京 (tokyo)')
  expect(toAscii('plain text')).toBe('plain text')
})

test('a cut ends in the ellipsis given, within the width', () => {
  expect(cutToWidth('Log in to Pensar Console', 12)).toBe('Log in to…')
  expect(cutToWidth('Log in to Pensar Console', 12, '...')).toBe('Log in to...')
  expect(cutToWidth('Waiting for approval', 14, '...').length).toBeLessThanOrEqual(14)
})
