// Server-Sent Events (WHATWG HTML §9.2.6, "Interpreting an event stream") from a stream of byte
// chunks that a network cuts anywhere: inside a UTF-8 character, inside a line, between the CR and
// the LF of a CRLF. Bytes are decoded with a streaming decoder, so a character split across chunks
// is joined, never turned into U+FFFD; lines end at CRLF, LF or CR; a CR at the very end of a chunk
// waits for the next one to see whether an LF follows.
import { PensarError } from './errors'

export interface SseEvent {
  /** The `event:` field; `message` when the event named none. */
  event: string
  /** The `data:` lines joined with `\n`. */
  data: string
  id?: string
}

/** A line longer than this is not an event stream (or a server gone wrong): stop rather than buffer it all. */
const MAX_LINE_CHARS = 1_000_000

export async function* readSseEvents(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = createSseParser()
  for await (const chunk of chunks) yield* parser.push(chunk)
  yield* parser.end()
}

export interface SseParser {
  /** The events this chunk completes. */
  push(chunk: Uint8Array): SseEvent[]
  /** At the end of the stream: an event without its closing blank line is dropped, as the spec says. */
  end(): SseEvent[]
}

export function createSseParser(): SseParser {
  // The default decoder drops one leading BOM, which the spec allows at the start of the stream.
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  let event = ''
  let data: string[] = []
  let hasData = false
  let id: string | undefined

  function takeLines(text: string, final: boolean): SseEvent[] {
    buffer += text
    const out: SseEvent[] = []
    let start = 0
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer[i]
      if (c !== '\n' && c !== '\r') continue
      // A CR as the last character may be the first half of a CRLF that the next chunk completes.
      if (c === '\r' && i === buffer.length - 1 && !final) break
      const line = buffer.slice(start, i)
      if (c === '\r' && buffer[i + 1] === '\n') i++
      start = i + 1
      const dispatched = takeLine(line)
      if (dispatched) out.push(dispatched)
    }
    buffer = buffer.slice(start)
    if (buffer.length > MAX_LINE_CHARS) {
      throw new PensarError('The server sent an event stream line longer than 1 MB.', { code: 'malformed_stream' })
    }
    return out
  }

  function takeLine(line: string): SseEvent | undefined {
    if (line === '') return dispatch()
    if (line.startsWith(':')) return undefined // a comment (keep-alive)
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') {
      data.push(value)
      hasData = true
    } else if (field === 'id' && !value.includes('\0')) id = value
    // `retry` and unknown fields are ignored: this client never reconnects.
    return undefined
  }

  function dispatch(): SseEvent | undefined {
    const ready = hasData ? { event: event || 'message', data: data.join('\n'), ...(id === undefined ? {} : { id }) } : undefined
    event = ''
    data = []
    hasData = false
    return ready
  }

  return {
    push: (chunk) => takeLines(decoder.decode(chunk, { stream: true }), false),
    end: () => {
      const last = takeLines(decoder.decode(), true)
      buffer = ''
      return last
    },
  }
}
