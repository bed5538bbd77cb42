import { describe, expect, test } from 'bun:test'
import { createSseParser, readSseEvents, type SseEvent } from '../../src/lib/sse'

const bytes = (text: string) => new TextEncoder().encode(text)

function parseChunks(chunks: Uint8Array[]): SseEvent[] {
  const parser = createSseParser()
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()]
}

/** `whole` cut at the given byte offsets. */
function cut(whole: Uint8Array, at: number[]): Uint8Array[] {
  const points = [0, ...at, whole.length]
  return points.slice(1).map((end, i) => whole.subarray(points[i]!, end))
}

// Every line ending, a comment, a multi-line data field, a field without a colon, a BOM, and
// characters of two, three and four bytes.
const STREAM = '\uFEFF: keep-alive\r\n' +
  'event: content_block_delta\r\ndata: {"text":"héllo — wörld"}\r\n\r\n' +
  'data: first line\rdata: second 🚀 line\r\r' +
  'event: message_delta\nid: 7\ndata\ndata:  two spaces\n\n' +
  'data: {"text":"日本語"}\n\n'

const EXPECTED: SseEvent[] = [
  { event: 'content_block_delta', data: '{"text":"héllo — wörld"}' },
  { event: 'message', data: 'first line\nsecond 🚀 line' },
  { event: 'message_delta', data: '\n two spaces', id: '7' },
  { event: 'message', data: '{"text":"日本語"}', id: '7' },
]

describe('createSseParser', () => {
  test('the whole stream at once', () => {
    expect(parseChunks([bytes(STREAM)])).toEqual(EXPECTED)
  })

  test('cut at every byte: inside UTF-8 characters, between CR and LF, mid-line, mid-field', () => {
    const whole = bytes(STREAM)
    for (let i = 1; i < whole.length; i++) expect({ at: i, events: parseChunks(cut(whole, [i])) }).toEqual({ at: i, events: EXPECTED })
  })

  test('one byte per chunk', () => {
    const whole = bytes(STREAM)
    expect(parseChunks([...whole].map((b) => new Uint8Array([b])))).toEqual(EXPECTED)
  })

  test('cut at every pair of bytes (two cuts per stream)', () => {
    const whole = bytes(STREAM)
    for (let i = 1; i < whole.length; i += 3) {
      for (let j = i + 1; j < whole.length; j += 2) expect(parseChunks(cut(whole, [i, j]))).toEqual(EXPECTED)
    }
  })

  test('a CR at the end of a chunk followed by LF is one line end, not an empty line', () => {
    const parser = createSseParser()
    expect(parser.push(bytes('data: a\r'))).toEqual([])
    expect(parser.push(bytes('\ndata: b\r\n\r\n'))).toEqual([{ event: 'message', data: 'a\nb' }])
  })

  test('an event without its closing blank line is dropped at the end; a lone CR at the very end still ends a line', () => {
    expect(parseChunks([bytes('data: cut off')])).toEqual([])
    expect(parseChunks([bytes('data: done\n\r')])).toEqual([{ event: 'message', data: 'done' }])
  })

  test('an event with no data is not dispatched, and its name does not leak into the next', () => {
    expect(parseChunks([bytes('event: ping\n\ndata: x\n\n')])).toEqual([{ event: 'message', data: 'x' }])
  })

  test('a line longer than 1 MB is refused rather than buffered', () => {
    const parser = createSseParser()
    const chunk = bytes('x'.repeat(600_000))
    parser.push(chunk)
    expect(() => parser.push(chunk)).toThrow('longer than 1 MB')
  })
})

describe('readSseEvents', () => {
  test('reads an async stream of chunks', async () => {
    async function* chunks() {
      const whole = bytes(STREAM)
      for (let i = 0; i < whole.length; i += 5) yield whole.subarray(i, i + 5)
    }
    const events: SseEvent[] = []
    for await (const e of readSseEvents(chunks())) events.push(e)
    expect(events).toEqual(EXPECTED)
  })
})
