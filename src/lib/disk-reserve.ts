// Reserves disk space by writing (and fsyncing) a file of zeros, so that a later write of up to
// that size cannot fail with ENOSPC once the reservation is released just before it.
import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs'
import { writeAllSync } from './write-all'

export interface Reservation {
  release(): void
}

/** Throws the filesystem's error (ENOSPC, EROFS, EACCES…) with nothing left behind. */
export function reserveDiskSpace(path: string, bytes: number): Reservation {
  let fd: number | undefined
  try {
    fd = openSync(path, 'w', 0o600)
    writeAllSync(fd, Buffer.alloc(bytes))
    fsyncSync(fd)
  } catch (error) {
    if (fd !== undefined) closeSync(fd)
    rmSync(path, { force: true })
    throw error
  }
  closeSync(fd)
  return { release: () => rmSync(path, { force: true }) }
}
