// Copies one regular file out of a tar stream (ustar, as build/archive.ts writes it; other
// entries, pax headers included, are skipped) to a writer, chunk by chunk, never holding the
// whole file in memory.
import type { FileWriter } from '../../lib/upgrade-system'

const BLOCK = 512

export async function extractTarEntry(stream: ReadableStream<Uint8Array>, name: string, out: FileWriter): Promise<void> {
  const input = new ByteReader(stream)
  try {
    for (;;) {
      const header = await input.read(BLOCK)
      if (!header || header.every((b) => b === 0)) throw new Error(`the archive has no file named ${name}`)
      if (!checksumMatches(header)) throw new Error('the archive is damaged (a tar header checksum does not match)')
      const size = readOctal(header, 124, 12)
      const type = header[156]
      const regular = type === 0x30 /* '0' */ || type === 0
      if (regular && entryName(header) === name) {
        await input.copy(size, (bytes) => out.write(bytes))
        return
      }
      await input.skip(Math.ceil(size / BLOCK) * BLOCK)
    }
  } finally {
    await input.close()
  }
}

function entryName(header: Uint8Array): string {
  const field = (start: number, length: number) => {
    const bytes = header.subarray(start, start + length)
    const end = bytes.indexOf(0)
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end))
  }
  const prefix = field(345, 155)
  return `${prefix ? `${prefix}/` : ''}${field(0, 100)}`.replace(/^\.\//, '')
}

function readOctal(header: Uint8Array, start: number, length: number): number {
  if (header[start]! & 0x80) throw new Error('the archive uses a base-256 size, which pensar archives never do')
  const text = new TextDecoder().decode(header.subarray(start, start + length)).replace(/[\0 ]+$/, '').trim()
  if (!/^[0-7]*$/.test(text)) throw new Error('the archive is damaged (a tar size is not octal)')
  return text ? parseInt(text, 8) : 0
}

function checksumMatches(header: Uint8Array): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!
  return readOctal(header, 148, 8) === sum
}

/** Exact-length reads over a stream of arbitrary chunks. */
class ByteReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private pending: Uint8Array = new Uint8Array(0)

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader()
  }

  /** `n` bytes, or undefined at a clean end of the stream. */
  async read(n: number): Promise<Uint8Array | undefined> {
    const parts: Uint8Array[] = []
    let have = 0
    while (have < n) {
      const chunk = await this.next()
      if (!chunk) {
        if (have === 0) return undefined
        throw new Error('the archive ends in the middle of an entry')
      }
      const take = chunk.subarray(0, n - have)
      this.pending = chunk.subarray(take.length)
      parts.push(take)
      have += take.length
    }
    if (parts.length === 1) return parts[0]
    const joined = new Uint8Array(n)
    parts.reduce((at, part) => (joined.set(part, at), at + part.length), 0)
    return joined
  }

  async copy(n: number, write: (bytes: Uint8Array) => Promise<void>): Promise<void> {
    for (let left = n; left > 0; ) {
      const chunk = await this.next()
      if (!chunk) throw new Error('the archive ends in the middle of an entry')
      const take = chunk.subarray(0, left)
      this.pending = chunk.subarray(take.length)
      await write(take)
      left -= take.length
    }
  }

  async skip(n: number): Promise<void> {
    await this.copy(n, async () => {})
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => {})
  }

  private async next(): Promise<Uint8Array | undefined> {
    if (this.pending.length) {
      const chunk = this.pending
      this.pending = new Uint8Array(0)
      return chunk
    }
    for (;;) {
      const { done, value } = await this.reader.read()
      if (done) return undefined
      if (value.length) return value
    }
  }
}
