// Reads a small file synchronously without loading node:fs, which costs about 1 ms and 6 MB of
// every start-up of the compiled binary (bench/FINDINGS.md) while `pensar status` only needs to
// read two JSON files. The file is mapped, decoded and unmapped at once: `transfer(0)` detaches
// the mapping's buffer, which releases it, so no mapping outlives the call (a live one would keep
// a deleted file's space, block unmounting its disk and, on Windows, a rename over it).
// Whatever the mapping cannot do (an empty file, a platform without mmap) goes through node:fs,
// which also raises the real error for anything else. One limit of reading through a mapping: a
// file another program truncates in place during those microseconds would fault (SIGBUS); pensar's
// own writes never do that, they replace a file by renaming a complete one over it.
import { errorCode } from './errors'

export interface FileText {
  text: string
  /** False when the bytes were not UTF-8: the text then holds U+FFFD where they were. */
  utf8: boolean
}

export interface ReadOptions {
  /** Larger files are refused (code `EFBIG`) before any of them is decoded. */
  maxBytes?: number
}

/** The file's text; undefined when it does not exist. Not a regular file: code `EISDIR` or `ENOTFILE`. */
export function readTextFile(path: string, opts: ReadOptions = {}): FileText | undefined {
  let mapped: Uint8Array
  try {
    mapped = Bun.mmap(path, { shared: false })
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    return readWithNodeFs(path, opts)
  }
  try {
    checkSize(path, mapped.byteLength, opts)
    return decode(mapped)
  } finally {
    ;(mapped.buffer as ArrayBuffer).transfer(0)
  }
}

function readWithNodeFs(path: string, opts: ReadOptions): FileText | undefined {
  const fs = require('node:fs') as typeof import('node:fs')
  try {
    // A FIFO or a device in the file's place would block a read, or never end.
    const info = fs.statSync(path)
    if (info.isDirectory()) throw fileError('EISDIR', `illegal operation on a directory, read '${path}'`)
    if (!info.isFile()) throw fileError('ENOTFILE', `not a regular file, read '${path}'`)
    checkSize(path, info.size, opts)
    return decode(fs.readFileSync(path))
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    throw error
  }
}

function checkSize(path: string, bytes: number, opts: ReadOptions): void {
  if (opts.maxBytes !== undefined && bytes > opts.maxBytes) throw fileError('EFBIG', `file is ${bytes} bytes, more than ${opts.maxBytes}, read '${path}'`)
}

function decode(bytes: Uint8Array): FileText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), utf8: true }
  } catch {
    return { text: new TextDecoder().decode(bytes), utf8: false }
  }
}

function fileError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code })
}
