// `writeSync` may write only part of the buffer and return (a nearly full disk does this without
// an error): loop until everything is written, so the next write raises ENOSPC instead of a
// truncated file being fsynced and renamed into place.

export function writeAllSync(fd: number, data: string | Uint8Array): void {
  // Required on first use: a static import of node:fs costs up to 1 ms of start-up in the binary.
  const { writeSync } = require('node:fs') as typeof import('node:fs')
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  let offset = 0
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset)
    if (written <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    offset += written
  }
}
