// The gateway's answer, in the Messages API's event shape (docs/console-api.md §5): message_start
// (id, model), content_block_delta text deltas, message_delta (usage with the cost, and the
// workspace balance left), message_stop; ping and the block start/stop events carry nothing we
// show. Turned into the two things the CLI shows: text as it arrives, and the summary at the end.
import { PensarError } from '../../lib/errors'
import type { SseEvent } from '../../lib/sse'

export interface AnswerUsage {
  /** US dollars; null when the gateway did not say. */
  cost: number | null
  inputTokens?: number
  outputTokens?: number
}

export type AnswerEvent =
  | { kind: 'delta'; text: string }
  | { kind: 'done'; id?: string; model: string; usage: AnswerUsage; balance?: number }

type Json = Record<string, unknown>

export class AnswerAssembler {
  private id?: string
  private model: string
  private usage: AnswerUsage = { cost: null }
  private balance?: number
  finished = false

  constructor(requestedModel: string) {
    this.model = requestedModel
  }

  /** What this event adds to the answer, if anything; the gateway's `error` event throws. */
  take(sse: SseEvent): AnswerEvent | undefined {
    const data = parseData(sse)
    const type = typeof data.type === 'string' ? data.type : sse.event
    if (type === 'message_start') {
      const message = objectOf(data.message)
      this.id = stringOf(message.id) ?? this.id
      this.model = stringOf(message.model) ?? this.model
      this.addUsage(objectOf(message.usage))
    } else if (type === 'content_block_delta') {
      const delta = objectOf(data.delta)
      if (typeof delta.text === 'string' && delta.text !== '') return { kind: 'delta', text: delta.text }
    } else if (type === 'message_delta') {
      this.addUsage(objectOf(data.usage))
      this.balance = numberOf(objectOf(data.billing).balance) ?? this.balance
    } else if (type === 'message_stop') {
      this.finished = true
      return { kind: 'done', ...(this.id ? { id: this.id } : {}), model: this.model, usage: this.usage, ...(this.balance === undefined ? {} : { balance: this.balance }) }
    } else if (type === 'error') {
      throw gatewayError(objectOf(data.error))
    }
    return undefined
  }

  private addUsage(usage: Json) {
    const cost = numberOf(usage.cost)
    const inputTokens = numberOf(usage.input_tokens)
    const outputTokens = numberOf(usage.output_tokens)
    if (cost !== undefined) this.usage.cost = cost
    if (inputTokens !== undefined) this.usage.inputTokens = inputTokens
    if (outputTokens !== undefined) this.usage.outputTokens = outputTokens
  }
}

/** A gateway that answered with the whole message as JSON (it ignored `"stream": true`). */
export function eventsOfWholeAnswer(body: unknown, requestedModel: string): AnswerEvent[] {
  const o = objectOf(body)
  const text = (Array.isArray(o.content) ? o.content : []).map((block) => stringOf(objectOf(block).text) ?? '').join('')
  const assembler = new AnswerAssembler(requestedModel)
  assembler.take({ event: 'message_start', data: JSON.stringify({ type: 'message_start', message: o }) })
  assembler.take({ event: 'message_delta', data: JSON.stringify({ type: 'message_delta', usage: o.usage, billing: o.billing }) })
  const done = assembler.take({ event: 'message_stop', data: '{"type":"message_stop"}' })!
  return [...(text ? [{ kind: 'delta' as const, text }] : []), done]
}

function parseData(sse: SseEvent): Json {
  try {
    return objectOf(JSON.parse(sse.data))
  } catch {
    throw new PensarError(`The gateway sent a garbled ${sse.event} event.`, { code: 'malformed_stream', hint: 'Try again; if it keeps happening, run with --debug and report it.' })
  }
}

function gatewayError(error: Json): PensarError {
  const type = stringOf(error.type) ?? 'gateway_error'
  const busy = type === 'overloaded_error' || type === 'rate_limit_error'
  return new PensarError(`The gateway stopped the answer: ${stringOf(error.message) ?? type}.`, {
    code: type,
    hint: busy ? 'The models are busy. Try again in a minute.' : undefined,
  })
}

const objectOf = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})
const stringOf = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined)
const numberOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
