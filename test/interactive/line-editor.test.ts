import { describe, expect, test } from 'bun:test'
import { createKeyInput, type KeyPress } from '../../src/interactive/key-input'
import { applyKey, initialState, readLine, type EditorState } from '../../src/interactive/line-editor'
import { toAscii } from '../../src/ui/ascii'
import { eventually, FakeTtyInput, FakeTtyOutput, KEY } from './support/fake-tty'

const key = (name: string, more: Partial<KeyPress> = {}): KeyPress => ({ name, ctrl: false, meta: false, ...more })
const char = (text: string): KeyPress => ({ text, name: text, ctrl: false, meta: false })

function typeAll(state: EditorState, keys: KeyPress[]) {
  let s = state
  let action = 'edit'
  for (const k of keys) ({ state: s, action } = applyKey(s, k))
  return { state: s, action }
}

describe('applyKey', () => {
  test('typing inserts at the cursor; ←, Backspace and Delete edit in place', () => {
    const { state } = typeAll(initialState(), [char('/'), char('s'), char('t'), key('left'), key('backspace'), char('x')])
    expect(state.text).toBe('/xt')
    expect(state.cursor).toBe(2)
    expect(typeAll(state, [key('home'), key('delete')]).state.text).toBe('xt')
  })

  test('Tab completes the command', () => {
    expect(typeAll(initialState(), [char('/'), char('s'), key('tab')]).state).toMatchObject({ text: '/status ', cursor: 8 })
  })

  test('Enter submits, Ctrl-C leaves, Ctrl-D leaves only on an empty line', () => {
    expect(applyKey(initialState(), key('return')).action).toBe('submit')
    expect(applyKey({ ...initialState(), text: 'abc', cursor: 3 }, key('c', { ctrl: true })).action).toBe('exit')
    expect(applyKey(initialState(), key('d', { ctrl: true })).action).toBe('exit')
    expect(applyKey({ ...initialState(), text: 'ab', cursor: 0 }, key('d', { ctrl: true }))).toMatchObject({ action: 'edit', state: { text: 'b' } })
  })

  test('Ctrl-L clears the screen and keeps the line', () => {
    const typed = typeAll(initialState(), [char('/'), char('l')]).state
    expect(applyKey(typed, key('l', { ctrl: true }))).toEqual({ state: typed, action: 'clear' })
  })

  test('Esc and Ctrl-U clear the line', () => {
    const typed = typeAll(initialState(), [char('/'), char('l')]).state
    expect(applyKey(typed, key('escape')).state.text).toBe('')
    expect(applyKey(typed, key('u', { ctrl: true })).state.text).toBe('')
  })

  test('↑ and ↓ walk the history and come back to an empty line', () => {
    const start = initialState(['/login', '/status'])
    const up1 = applyKey(start, key('up')).state
    expect(up1.text).toBe('/status')
    const up2 = applyKey(up1, key('up')).state
    expect(applyKey(up2, key('up')).state.text).toBe('/login')
    expect(applyKey(applyKey(up2, key('down')).state, key('down')).state.text).toBe('')
  })

  test('control characters pasted into the line are dropped', () => {
    expect(applyKey(initialState(), char('/lo\x07gin')).state.text).toBe('/login')
  })
})

describe('readLine on a (fake) terminal', () => {
  function setup(signal?: AbortSignal) {
    const input = new FakeTtyInput()
    const output = new FakeTtyOutput()
    const keys = createKeyInput(input)
    const line = readLine({ keys, output, prompt: '> ', history: [], dim: (t) => t, signal })
    return { input, output, line }
  }

  test('a process stop (SIGTERM, SIGHUP) ends the read as an exit and gives the terminal back', async () => {
    const stop = new AbortController()
    const { input, output, line } = setup(stop.signal)
    await eventually(() => output.text, 'or type / for commands')
    input.write('/sta')
    stop.abort()
    expect(await line).toEqual({ kind: 'exit' })
    expect(input.rawModes).toEqual([true, false])
  })

  test('a terminal that went away (SIGHUP, EIO on the mode change) still ends the read as an exit', async () => {
    const stop = new AbortController()
    const { input, output, line } = setup(stop.signal)
    await eventually(() => output.text, 'or type / for commands')
    input.setRawMode = () => {
      throw Object.assign(new Error('EIO: i/o error, tcsetattr'), { code: 'EIO' })
    }
    stop.abort()
    expect(await line).toEqual({ kind: 'exit' })
  })

  test('draws the prompt and the hint, follows typing, and returns the line on Enter', async () => {
    const { input, output, line } = setup()
    await eventually(() => output.text, 'Ask a question, or type / for commands · Tab complete')
    input.write('/sta')
    await eventually(() => output.text, '/status — Show the connection')
    input.write(KEY.tab)
    input.write(KEY.enter)
    expect(await line).toEqual({ kind: 'line', text: '/status ' })
    expect(input.rawModes).toEqual([true, false])
  })

  test('on a narrow terminal neither the line nor the hint wraps', async () => {
    const input = new FakeTtyInput()
    const output = Object.assign(new FakeTtyOutput(), { columns: 20 })
    const line = readLine({ keys: createKeyInput(input), output, prompt: '> ', history: [], dim: (t) => t })
    input.write('/login and a lot more words')
    await eventually(() => output.text, 'a lot more words')
    const frames = output.raw.split('\r\x1b[J').slice(1)
    for (const frame of frames) {
      const [promptLine = '', hintLine = ''] = frame.replace(/\x1b\[[0-9;]*[A-Za-z]|\r/g, '').split('\n')
      expect(promptLine.length).toBeLessThan(20)
      expect(hintLine.length).toBeLessThan(20)
    }
    input.write(KEY.enter)
    expect(await line).toEqual({ kind: 'line', text: '/login and a lot more words' })
  })

  test('without Unicode the hint is spelled in ASCII, its legend still fitted item by item', async () => {
    const input = new FakeTtyInput()
    const output = Object.assign(new FakeTtyOutput(), { columns: 60 })
    const line = readLine({ keys: createKeyInput(input), output, prompt: '> ', history: [], dim: (t) => t, shown: toAscii })
    await eventually(() => output.text, 'Ask a question, or type / for commands - Tab complete')
    input.write('/sta')
    await eventually(() => output.text, '/status - Show the connection')
    input.write(KEY.enter)
    await line
    expect(output.text.match(/[^\x00-\x7f]/g) ?? []).toEqual([])
  })

  test('Ctrl-C asks to leave and gives the terminal back', async () => {
    const { input, line } = setup()
    input.write(`/lo${KEY.ctrlC}`)
    expect(await line).toEqual({ kind: 'exit' })
    expect(input.isRaw).toBe(false)
  })
})
