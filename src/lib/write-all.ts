// `writeSync` may write only part of the buffer and return (a nearly full disk does this without
// an error): loop until everything is written, so the next write raises ENOSPC instead of a
// truncated file being fsynced and renamed into place.
import { writeSync } from 'node:fs'

export function writeAllSync(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  let offset = 0
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset)
    if (written <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    offset += written
  }
}
