// One file out of a zip archive in memory (the Windows release's `.zip`, as build/archive.ts
// writes it): found through the central directory, inflated, and checked against its CRC-32.
import { inflateRawSync } from 'node:zlib'

export function readZipEntry(zip: Uint8Array, name: string): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  const end = findEndOfCentralDirectory(view)
  const count = view.getUint16(end + 10, true)
  let at = view.getUint32(end + 16, true)
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== 0x02014b50) throw new Error('the zip is damaged (bad central directory)')
    const method = view.getUint16(at + 10, true)
    const crc = view.getUint32(at + 16, true)
    const compressedSize = view.getUint32(at + 20, true)
    const size = view.getUint32(at + 24, true)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    const localHeader = view.getUint32(at + 42, true)
    const entry = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength))
    if (entry === name) return readData(zip, view, { localHeader, method, compressedSize, size, crc })
    at += 46 + nameLength + extraLength + commentLength
  }
  throw new Error(`the archive has no file named ${name}`)
}

function readData(zip: Uint8Array, view: DataView, e: { localHeader: number; method: number; compressedSize: number; size: number; crc: number }): Uint8Array {
  if (e.localHeader + 30 > zip.length || view.getUint32(e.localHeader, true) !== 0x04034b50) throw new Error('the zip is damaged (bad local header)')
  const start = e.localHeader + 30 + view.getUint16(e.localHeader + 26, true) + view.getUint16(e.localHeader + 28, true)
  if (start + e.compressedSize > zip.length) throw new Error('the zip is damaged (an entry runs past its end)')
  const stored = zip.subarray(start, start + e.compressedSize)
  let data: Uint8Array
  if (e.method === 0) data = stored
  else if (e.method === 8) data = new Uint8Array(inflateRawSync(stored))
  else throw new Error(`the zip uses compression method ${e.method}, which pensar archives never do`)
  if (data.length !== e.size || Bun.hash.crc32(data) !== e.crc) throw new Error('the zip is damaged (size or CRC-32 does not match)')
  return data
}

function findEndOfCentralDirectory(view: DataView): number {
  // The record is 22 bytes, after which only a comment of at most 65535 bytes may follow.
  for (let at = view.byteLength - 22; at >= Math.max(0, view.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) return at
  }
  throw new Error('not a zip archive')
}
