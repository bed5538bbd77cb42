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

/** The file's text; undefined when it does not exist. */
export function readTextFile(path: string): string | undefined {
  let mapped: Uint8Array
  try {
    mapped = Bun.mmap(path, { shared: false })
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    return readWithNodeFs(path)
  }
  try {
    return new TextDecoder().decode(mapped)
  } finally {
    ;(mapped.buffer as ArrayBuffer).transfer(0)
  }
}

function readWithNodeFs(path: string): string | undefined {
  try {
    return (require('node:fs') as typeof import('node:fs')).readFileSync(path, 'utf8')
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined
    throw error
  }
}
