// The filesystem rules of PENSAR_HOME, for every file pensar writes there (the store's files and
// temp files, the disk reserve, the refresh lock):
// - a file is always created new (O_CREAT|O_EXCL) and O_NOFOLLOW, so a symbolic link planted under
//   its name is never written through, and 0600 (fchmod on the descriptor, whatever the umask);
// - a file is replaced by renaming a complete, fsynced one over it, and removed with unlink: both
//   act on the name, never on what a link points to;
// - a folder pensar creates is 0700; a folder it did not create keeps its mode (PENSAR_HOME=/tmp
//   must not become root's private folder), with a warning when others can use it.
// node:fs is required on first use: reading (lib/read-text-file.ts) never loads it.
import { errorCode } from './errors'
import { onHardExit } from './exit-hooks'
import { StoreError } from './file-errors'
import { writeAllSync } from './write-all'

const fs = () => require('node:fs') as typeof import('node:fs')

/** Group or others may read, write or enter. */
export const isLooseMode = (mode: number) => (mode & 0o077) !== 0

export const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`

/**
 * How old the refresh lock, or a temp file a live writer left, must be before it is taken for
 * abandoned (lib/refresh-lock.ts): here, where the store's sweep needs it too without loading the lock.
 */
export const LOCK_STALE_AFTER_MS = 30_000

/**
 * Makes sure `home` is a folder: creates it (and missing parents) 0700, or leaves an existing one
 * as it is. Returns the mode of a folder that existed, so the caller can warn when it is loose.
 */
export function ensureFolder(home: string): { created: boolean; mode: number } {
  try {
    const info = fs().statSync(home)
    if (!info.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, '${home}'`), { code: 'ENOTDIR' })
    return { created: false, mode: info.mode }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw new StoreError(home, home, 'write', error)
  }
  try {
    fs().mkdirSync(home, { recursive: true, mode: 0o700 })
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw new StoreError(home, home, 'write', error)
    return ensureFolder(home) // created by another process meanwhile, or a file is there
  }
  return { created: true, mode: 0o700 }
}

/** Opens a new file for writing: fails with EEXIST when anything, a link included, has that name. */
export function createNewFile(path: string): number {
  const { constants } = fs()
  const fd = fs().openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600)
  try {
    if (process.platform !== 'win32') fs().fchmodSync(fd, 0o600)
  } catch (error) {
    fs().closeSync(fd)
    removeFile(path)
    throw error
  }
  return fd
}

/** Creates `path` new, with `data`, fsynced; nothing is left behind when that fails. */
export function writeNewFile(path: string, data: string | Uint8Array): void {
  const fd = createNewFile(path)
  try {
    writeAllSync(fd, data)
    fs().fsyncSync(fd)
  } catch (error) {
    fs().closeSync(fd)
    removeFile(path)
    throw error
  }
  fs().closeSync(fd)
}

/** A name for a temp file beside `path`: `<name>.tmp-<pid>-<random>` (the sweep reads the pid). */
export function tempNameFor(path: string): string {
  return `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`
}

/** Removes the name (a link is removed, not its target); a missing file is fine. */
export function removeFile(path: string): void {
  try {
    fs().unlinkSync(path)
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
}

export function removeQuietly(path: string): void {
  try {
    removeFile(path)
  } catch {
    // Left for the next sweep.
  }
}

/** The file's own type and mode (a link is not followed); null when nothing has that name. */
export function lstatOf(path: string): { isFile: boolean; isDirectory: boolean; mode: number; size: number; mtimeMs: number } | null {
  try {
    const info = fs().lstatSync(path)
    return { isFile: info.isFile(), isDirectory: info.isDirectory(), mode: info.mode, size: info.size, mtimeMs: info.mtimeMs }
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null
    throw error
  }
}

/** Reads a regular file without following a link; null when it is missing, a link, or larger than `maxBytes`. */
export function readRegularFile(path: string, maxBytes: number): string | null {
  const { constants } = fs()
  let fd: number
  try {
    fd = fs().openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0))
  } catch {
    return null
  }
  try {
    const info = fs().fstatSync(fd)
    if (!info.isFile() || info.size > maxBytes) return null
    return fs().readFileSync(fd, 'utf8')
  } catch {
    return null
  } finally {
    fs().closeSync(fd)
  }
}

/** Makes a rename in `dir` durable; some platforms (Windows) cannot open a folder. */
export function fsyncFolder(dir: string): void {
  try {
    const fd = fs().openSync(dir, 'r')
    try {
      fs().fsyncSync(fd)
    } finally {
      fs().closeSync(fd)
    }
  } catch {
    // The rename is still atomic.
  }
}

/** Holds `bytes` of disk in a new file until released, so a later write of that size cannot fail for space. */
export function reserveSpace(path: string, bytes: number): { release(): void } {
  writeNewFile(path, new Uint8Array(bytes))
  const forget = onHardExit(() => removeQuietly(path))
  return {
    release: () => {
      removeQuietly(path)
      forget()
    },
  }
}

/** Whether the process with that id runs (on this computer); EPERM means it runs as someone else. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errorCode(error) === 'EPERM'
  }
}
