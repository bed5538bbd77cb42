// One question to the gateway: the signed `POST /gateway/v1/messages` with `"stream": true`, its
// Server-Sent Events read as they arrive and turned into answer events. An answer that ends
// before the gateway's message_stop was cut off (a dropped connection), and says so.
import { PensarError } from '../../lib/errors'
import { readSseEvents } from '../../lib/sse'
import type { AuthedClient } from '../session/authed-client'
import { AnswerAssembler, eventsOfWholeAnswer, type AnswerEvent } from './answer-events'
import type { ChatMessage } from './conversation'

export const MESSAGES_PATH = '/gateway/v1/messages'
/** Until the gateway starts its answer (the headers), then the longest silence within it. */
const START_TIMEOUT_MS = 30_000
const IDLE_TIMEOUT_MS = 60_000

export interface AnswerRequest {
  model: string
  messages: ChatMessage[]
}

export async function* streamAnswer(client: AuthedClient, request: AnswerRequest): AsyncGenerator<AnswerEvent> {
  const response = await client.streamSigned(MESSAGES_PATH, { model: request.model, messages: request.messages, stream: true }, { timeoutMs: START_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS })
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    yield* eventsOfWholeAnswer(await wholeJson(response.chunks), request.model)
    return
  }
  const assembler = new AnswerAssembler(request.model)
  for await (const sse of readSseEvents(response.chunks)) {
    const event = assembler.take(sse)
    if (event) yield event
    if (assembler.finished) return
  }
  throw new PensarError('The answer was cut off before the gateway finished it.', { code: 'incomplete_answer', hint: 'Ask again.' })
}

async function wholeJson(chunks: AsyncIterable<Uint8Array>): Promise<unknown> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  try {
    return JSON.parse(new TextDecoder().decode(Buffer.concat(parts)))
  } catch {
    throw new PensarError('The gateway answered with something that is not JSON.', { code: 'malformed_response' })
  }
}
