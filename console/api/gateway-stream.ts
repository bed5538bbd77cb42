// The local gateway's answer, standing in for the hosted models: a deterministic reply that
// echoes the question, sent whole as JSON or streamed as Server-Sent Events in the shape of the
// Messages API (message_start, content_block_delta text deltas, message_delta with the usage and
// the balance left, message_stop). A stream is written the way a real network delivers one: in
// pieces that split SSE lines and UTF-8 characters, a few milliseconds apart.
import { dollars } from '../store/workspaces.ts'

export interface ChatMessage {
  role: 'user' | 'assistant'
  content: string
}

export interface Answer {
  id: string
  model: string
  text: string
  costCents: number
  /** The workspace's balance once this request was charged. */
  balanceCents: number
  inputTokens: number
  outputTokens: number
}

const ECHO_LIMIT = 200
/** Between two events of a stream: slow enough to see the answer arrive, quick enough for tests. */
const EVENT_GAP_MS = 15

/** The same question in the same conversation gets the same answer, word for word. */
export function deterministicReply(model: string, messages: ChatMessage[]): string {
  const questions = messages.filter((m) => m.role === 'user')
  const asked = questions.at(-1)?.content.trim() ?? ''
  const echo = asked.length > ECHO_LIMIT ? `${asked.slice(0, ECHO_LIMIT)}…` : asked
  const turn = questions.length > 1 ? ` This is question ${questions.length} of our conversation.` : ''
  return `You asked: “${echo}”.${turn} This answer comes from the local Pensar Console gateway, standing in for ${model} — the hosted models answer here once you connect to Pensar Console. ✓`
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length
}

export function answerJson(answer: Answer) {
  return {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: [{ type: 'text', text: answer.text }],
    stop_reason: 'end_turn',
    usage: usageOf(answer),
    billing: { balance: dollars(answer.balanceCents) },
  }
}

export function streamAnswer(answer: Answer): Response {
  const encoder = new TextEncoder()
  const frames = sseFrames(answer)
  let cancelled = false
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for (const frame of frames) {
          if (cancelled) return
          // Each event in two pieces, cut mid-event (often mid-line, sometimes mid-character).
          const bytes = encoder.encode(frame)
          const cut = Math.max(1, Math.floor(bytes.length * 0.45))
          controller.enqueue(bytes.subarray(0, cut))
          await Bun.sleep(1)
          if (cancelled) return
          controller.enqueue(bytes.subarray(cut))
          await Bun.sleep(EVENT_GAP_MS)
        }
        controller.close()
      } catch {
        // The client went away mid-stream: the request was charged when it was accepted.
      }
    },
    cancel() {
      cancelled = true
    },
  })
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
  })
}

function sseFrames(answer: Answer): string[] {
  const event = (name: string, data: Record<string, unknown>) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`
  const pieces = answer.text.match(/\S+\s*/g) ?? []
  const deltas: string[] = []
  for (let i = 0; i < pieces.length; i += 2) deltas.push(pieces.slice(i, i + 2).join(''))
  return [
    ': the local Pensar Console gateway\n\n',
    event('message_start', { message: { id: answer.id, type: 'message', role: 'assistant', model: answer.model, content: [], usage: { input_tokens: answer.inputTokens, output_tokens: 0 } } }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
    ...deltas.map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: usageOf(answer), billing: { balance: dollars(answer.balanceCents) } }),
    event('message_stop', {}),
  ]
}

function usageOf(answer: Answer) {
  return { input_tokens: answer.inputTokens, output_tokens: answer.outputTokens, cost: dollars(answer.costCents) }
}
