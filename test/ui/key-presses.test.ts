import { describe, expect, test } from 'bun:test'
import { PassThrough } from 'node:stream'
import { emitKeypresses, ESCAPE_TIMEOUT_MS } from '../../src/ui/key-presses'
import { waitUntil } from '../helpers/wait-until'

function keyboard() {
  const input = new PassThrough()
  const keys: string[] = []
  emitKeypresses(input)
  input.on('keypress', (_text: string, key: { name?: string; meta?: boolean; sequence?: string }) => {
    keys.push(key.name === 'escape' ? 'Esc' : `${key.meta ? 'Alt+' : ''}${key.name ?? key.sequence}`)
  })
  return { input, keys }
}

describe('key presses', () => {
  test('Esc, then a key a person types right after it: two keys, not Alt+key', async () => {
    const { input, keys } = keyboard()
    input.write('\x1b')
    // A person's quickest follow-up is far slower than the parser's wait; this pause is the input.
    await Bun.sleep(ESCAPE_TIMEOUT_MS * 4)
    input.write('/')
    await waitUntil(() => keys.length === 2, () => `two key presses, got ${JSON.stringify(keys)}`, 2_000)
    expect(keys).toEqual(['Esc', '/'])
  })

  test('sequences a terminal sends in one write stay one key: arrows and Alt+key', async () => {
    const { input, keys } = keyboard()
    input.write('\x1b[A')
    input.write('\x1bb')
    await waitUntil(() => keys.length === 2, () => `two key presses, got ${JSON.stringify(keys)}`, 2_000)
    expect(keys).toEqual(['up', 'Alt+b'])
  })
})
