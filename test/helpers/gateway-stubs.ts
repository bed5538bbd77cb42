// Canned gateway answers (docs/console-api.md §5) for flow tests on FakeFetch: the model list, and
// an answer as the Server-Sent Events the gateway streams, cut into byte chunks wherever a test
// wants (inside a UTF-8 character, inside a line, between CR and LF).
import { json, type FakeFetch } from './fake-fetch'

export const MODELS_PATH = '/gateway/v1/models'
export const MESSAGES_PATH = '/gateway/v1/messages'

export function stubModels(fetch: FakeFetch, models = ['pensar-large', 'pensar-small']) {
  fetch.on('GET', MODELS_PATH, json({ data: models.map((id, i) => ({ type: 'model', id, default: i === 0 })), default: models[0] }))
}

export interface AnswerSpec {
  model?: string
  cost?: number
  balance?: number
  id?: string
  /** Line ending of the stream: `\n` (default), `\r\n` or `\r`. */
  eol?: string
}

/** The text split into deltas of two words, as the gateway sends them. */
export function answerDeltas(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? []
  const deltas: string[] = []
  for (let i = 0; i < words.length; i += 2) deltas.push(words.slice(i, i + 2).join(''))
  return deltas
}

/** The whole SSE stream of an answer: message_start, the deltas, message_delta (usage, balance), message_stop. */
export function answerSse(text: string, spec: AnswerSpec = {}): string {
  const model = spec.model ?? 'pensar-large'
  return [
    sseEvent('message_start', { message: { id: spec.id ?? 'msg_1', model, usage: { input_tokens: 3, output_tokens: 0 } } }, spec.eol),
    sseEvent('ping', {}, spec.eol),
    ...answerDeltas(text).map((delta) => sseEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: delta } }, spec.eol)),
    sseEvent('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 3, output_tokens: 9, cost: spec.cost ?? 0.01 }, billing: { balance: spec.balance ?? 49.99 } }, spec.eol),
    sseEvent('message_stop', {}, spec.eol),
  ].join('')
}

export function sseEvent(name: string, data: Record<string, unknown>, eol = '\n'): string {
  return `event: ${name}${eol}data: ${JSON.stringify({ type: name, ...data })}${eol}${eol}`
}

/** `text` as bytes cut every `size` bytes, or at the given offsets. */
export function chunksOf(text: string, cut: number | number[]): Uint8Array[] {
  const bytes = new TextEncoder().encode(text)
  const points = typeof cut === 'number' ? Array.from({ length: Math.ceil(bytes.length / cut) - 1 }, (_, i) => (i + 1) * cut) : cut
  const ends = [...points, bytes.length]
  return ends.map((end, i) => bytes.subarray(i === 0 ? 0 : ends[i - 1]!, end))
}

/** A streamed answer that delivers each chunk as its own read. */
export function streamed(chunks: Uint8Array[]): Response {
  let i = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!)
      else controller.close()
    },
  }, { highWaterMark: 0 })
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } })
}
