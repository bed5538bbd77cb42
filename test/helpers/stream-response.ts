// A streamed HTTP answer a test writes into piece by piece, as a slow network would deliver it:
// push bytes (cut anywhere), end it, break it, and see whether the client hung up.
export interface ControlledStream {
  response: Response
  push(chunk: string | Uint8Array): void
  end(): void
  /** The connection breaks: the reader's next read fails. */
  fail(error?: Error): void
  /** Whether the client cancelled the body (hung up). */
  readonly cancelled: boolean
  /** Resolves once the client has read everything pushed so far. */
  drained(): Promise<void>
}

export function controlledStream(headers: Record<string, string> = { 'content-type': 'text/event-stream' }, status = 200): ControlledStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let cancelled = false
  // With no buffer (highWaterMark 0), `pull` runs when the client asks for more than it has.
  let wanting = false
  let waiters: (() => void)[] = []
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      pull() {
        wanting = true
        const ready = waiters
        waiters = []
        ready.forEach((w) => w())
      },
      cancel() {
        cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return {
    response: new Response(body, { status, headers }),
    push: (chunk) => {
      wanting = false
      controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk)
    },
    end: () => controller.close(),
    fail: (error = new TypeError('socket hang up')) => controller.error(error),
    get cancelled() {
      return cancelled
    },
    drained: () => new Promise<void>((resolve) => (wanting ? resolve() : waiters.push(resolve))),
  }
}

/** SSE text for `events`, each `{ event, data }`. */
export function sseText(events: { event: string; data: unknown }[]): string {
  return events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join('')
}
