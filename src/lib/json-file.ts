// One JSON object in a file under PENSAR_HOME (config.json, auth.json), as lib/store.ts keeps
// them: created new 0600 and never through a link (lib/home-files.ts), written to a fsynced temp
// file and renamed, so a crash never leaves half a file. A file that does not parse is moved aside
// as `<name>.corrupt-<time>` with one warning and reads as absent; one that cannot be read at all
// is a StoreError that says what to do.
import { errorCode } from './errors'
import { StoreError } from './file-errors'
import { removeFile, removeQuietly, tempNameFor, writeNewFile } from './home-files'
import { readTextFile } from './read-text-file'

// `require`, not `import`: in the compiled binary a static import of a Node built-in costs
// several times more start-up (up to 1 ms for node:fs). Reading goes through readTextFile, so
// node:fs is loaded only by a command that writes.
const fs = () => require('node:fs') as typeof import('node:fs')

/** A pensar file is a few kilobytes; a larger one is not ours, and decoding it would cost memory. */
export const MAX_FILE_BYTES = 1024 * 1024

/** One JSON object kept in a file. */
export interface JsonDocument {
  /** The file's path, shown to people. */
  readonly location: string
  /** Undefined when absent or unreadable as JSON (then moved aside with a warning); throws StoreError otherwise. */
  read(): Record<string, unknown> | undefined
  /** Prepares `value` so that `commit` cannot fail for space or half-written data. */
  stage(value: Record<string, unknown>): StagedWrite
  remove(): void
}

export interface StagedWrite {
  commit(): void
  discard(): void
}

export interface JsonFileDeps {
  home: string
  now: () => number
  warn: (message: string) => void
}

/** A JSON file under PENSAR_HOME. */
export function createJsonFile(path: string, deps: JsonFileDeps): JsonDocument {
  const timestamp = () => new Date(deps.now()).toISOString().replace(/[:.]/g, '-')
  // Read with bytes that are not UTF-8: rewriting it would replace them, so the original is kept.
  let notUtf8 = false

  function moveAside(reason: string): undefined {
    const aside = `${path}.corrupt-${timestamp()}`
    try {
      fs().renameSync(path, aside)
    } catch (error) {
      // A read-only PENSAR_HOME: still never a crash, just logged out.
      deps.warn(`${path} could not be read (${reason}) nor moved aside (${errorCode(error) ?? String(error)}); carrying on as logged out.`)
      return undefined
    }
    deps.warn(`${path} could not be read (${reason}); moved it to ${aside} and carrying on as logged out.`)
    return undefined
  }

  return {
    location: path,
    read() {
      notUtf8 = false
      let file
      try {
        file = readTextFile(path, { maxBytes: MAX_FILE_BYTES })
      } catch (error) {
        if (errorCode(error) === 'EFBIG') return moveAside(`it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`)
        throw new StoreError(path, deps.home, 'read', error)
      }
      if (file === undefined) return undefined
      const parsed = parseJson(file.text)
      if (!parsed.ok) return moveAside(parsed.problem)
      notUtf8 = !file.utf8
      return parsed.value
    },
    stage(value) {
      const temp = tempNameFor(path)
      try {
        writeNewFile(temp, `${JSON.stringify(value, null, 2)}\n`)
      } catch (error) {
        throw new StoreError(path, deps.home, 'write', error)
      }
      let done = false
      return {
        commit() {
          if (notUtf8) keepOriginal()
          try {
            fs().renameSync(temp, path)
          } catch (error) {
            throw new StoreError(path, deps.home, 'write', error)
          }
          done = true
          notUtf8 = false
        },
        discard() {
          if (!done) removeQuietly(temp)
        },
      }
    },
    remove() {
      try {
        removeFile(path)
      } catch (error) {
        throw new StoreError(path, deps.home, 'remove', error)
      }
    },
  }

  /** A second name for the file about to be replaced (a hard link: it never goes missing meanwhile). */
  function keepOriginal() {
    const kept = `${path}.not-utf8-${timestamp()}`
    try {
      fs().linkSync(path, kept)
    } catch {
      try {
        fs().copyFileSync(path, kept, fs().constants.COPYFILE_EXCL)
      } catch (error) {
        throw new StoreError(kept, deps.home, 'write', error)
      }
    }
    deps.warn(`${path} held bytes that are not UTF-8, which JSON cannot carry; they are U+FFFD in the rewritten file, and the original is kept as ${kept}.`)
  }
}

/** The JSON object in `text`, or why there is none. */
export function parseJson(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; problem: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, problem: 'not valid JSON' }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> }
  return { ok: false, problem: `${value === null ? 'JSON null' : Array.isArray(value) ? 'a JSON array' : `a JSON ${typeof value}`}, not an object` }
}

/** The JSON object in `text`; undefined when it is not JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const parsed = parseJson(text)
  return parsed.ok ? parsed.value : undefined
}
