// HTTP/1.1 over a plain socket, for requests `fetch` won't send as written: a path with `/./` or
// `//` kept as is (URL parsing would resolve them), or any Host header.
import { connect } from 'node:net'

export interface RawAnswer {
  status: number
  headers: Map<string, string>
  body: string
}

export async function rawRequest(base: string, method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<RawAnswer> {
  const { hostname, port, host } = new URL(base)
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries({ host, connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`)]
  if (body) lines.push(`content-length: ${Buffer.byteLength(body)}`)
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks)))
    socket.on('error', reject)
  })
  // latin1 keeps one character per byte, so chunk sizes (in bytes) can be counted in characters.
  return parseAnswer(raw.toString('latin1'))
}

function parseAnswer(text: string): RawAnswer {
  const split = text.indexOf('\r\n\r\n')
  const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n')
  const headers = new Map(headerLines.map((line) => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as [string, string]
  }))
  const rest = text.slice(split + 4)
  const body = headers.get('transfer-encoding') === 'chunked' ? unchunk(rest) : rest
  return { status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') }
}

function unchunk(text: string): string {
  let out = ''
  for (let at = 0; ;) {
    const eol = text.indexOf('\r\n', at)
    const size = parseInt(text.slice(at, eol), 16)
    if (!size) return out
    out += text.slice(eol + 2, eol + 2 + size)
    at = eol + 2 + size + 2
  }
}


/**
 * Streams an endless chunked body until the server closes the connection or `limit` bytes went
 * out; answers how many it took. (Unlike curl or fetch, this client never stops on its own when
 * the answer arrives: it shows whether the server would go on reading.)
 */
export async function bytesUntilServerCloses(base: string, path: string, limit: number): Promise<number> {
  const { hostname, port, host } = new URL(base)
  const chunk = Buffer.from(`10000\r\n${'x'.repeat(0x10000)}\r\n`)
  return new Promise((resolve) => {
    let sent = 0
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nhost: ${host}\r\ntransfer-encoding: chunked\r\n\r\n`)
      const pump = () => {
        while (sent < limit && !socket.destroyed) {
          sent += 0x10000
          if (!socket.write(chunk)) return void socket.once('drain', pump)
        }
        socket.destroy()
      }
      pump()
    })
    // The server closing while we write surfaces as EPIPE or ECONNRESET: that is the point.
    socket.on('error', () => {})
    socket.on('close', () => resolve(sent))
  })
}
