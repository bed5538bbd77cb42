// A relay in front of the local Console's gateway, where an eavesdropper or a slow network would
// sit: it forwards every request and keeps a copy of each body it forwards, and with `hold` it
// passes an answer on only up to its first whole text delta, then holds the connection open until
// `release()`. So a test can catch an answer mid-stream without guessing at timing. Point a
// session at it by writing its `url` as `gatewayUrl` into PENSAR_HOME/config.json.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface GatewayRelay {
  url: string
  recorded: { headers: Headers; body: string; path: string }[]
  /** Lets every held answer go on. */
  release(): void
  stop(): void
}

const FIRST_DELTA = /content_block_delta[^]*?\n\n/

export function startGatewayRelay(consoleUrl: string, opts: { hold?: boolean } = {}): GatewayRelay {
  const recorded: GatewayRelay['recorded'] = []
  let released = !opts.hold
  let wake: (() => void)[] = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0, // a held answer stays open as long as the test needs
    async fetch(req) {
      const body = req.method === 'POST' ? await req.text() : undefined
      const path = new URL(req.url).pathname
      if (body !== undefined) recorded.push({ headers: req.headers, body, path })
      const upstream = await fetch(`${consoleUrl}${path}`, { method: req.method, headers: req.headers, body })
      if (released || !upstream.body || path !== '/gateway/v1/messages') return upstream
      const reader = upstream.body.getReader()
      const decoder = new TextDecoder()
      let seen = ''
      const held = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!released && FIRST_DELTA.test(seen)) await new Promise<void>((resolve) => wake.push(resolve))
          const next = await reader.read()
          if (next.done) return controller.close()
          seen += decoder.decode(next.value, { stream: true })
          controller.enqueue(next.value)
        },
        cancel: () => reader.cancel(),
      }, { highWaterMark: 0 })
      return new Response(held, { status: upstream.status, headers: upstream.headers })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    recorded,
    release() {
      released = true
      const waiting = wake
      wake = []
      waiting.forEach((w) => w())
    },
    stop: () => server.stop(true),
  }
}

/** Makes the session stored in `pensarHome` send its gateway requests through the relay. */
export function useRelay(pensarHome: string, relay: GatewayRelay): void {
  // As if the session had been made with this gateway: its secrets go only to the addresses
  // auth.json names (config.json alone cannot redirect them).
  for (const name of ['config.json', 'auth.json']) {
    const file = join(pensarHome, name)
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), gatewayUrl: relay.url }), { mode: 0o600 })
  }
}
