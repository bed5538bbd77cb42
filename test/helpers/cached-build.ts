// A build output under dist/ made at most once for all test files and processes: rebuilt only
// when missing or older than a source file, under a lock folder so concurrent `bun test`
// processes don't build twice. The build writes a temporary path that is then renamed into
// place, so an output another test is using is never overwritten in place.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isProcessAlive } from '../../src/lib/home-files'

export const ROOT = resolve(import.meta.dir, '../..')
const STALE_LOCK_MS = 10 * 60_000
const BUILD_DEADLINE_MS = 10 * 60_000

/** Files and folders (all files under them) a build reads; a newer one makes the output stale. */
export type Sources = string[]

/**
 * Resolves to `output` (a file or a folder under dist/), built by `build(temporaryPath)` unless
 * it is newer than every file of `sources`.
 */
export async function cachedBuild(output: string, sources: Sources, build: (temporary: string) => Promise<void>): Promise<string> {
  const lock = `${output}.lock`
  const deadline = Date.now() + BUILD_DEADLINE_MS
  mkdirSync(resolve(output, '..'), { recursive: true })
  while (!isFresh(output, sources)) {
    if (tryLock(lock)) {
      try {
        if (!isFresh(output, sources)) await replaceWith(output, build)
      } finally {
        rmSync(lock, { recursive: true, force: true })
      }
      break
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock} (another build?)`)
    await Bun.sleep(200) // waiting for another process's build: nothing to await but the lock
  }
  return output
}

async function replaceWith(output: string, build: (temporary: string) => Promise<void>) {
  const temp = `${output}.tmp-${process.pid}`
  const old = `${output}.old-${process.pid}`
  try {
    await build(temp)
    // A folder cannot be renamed over another: move the old one aside first.
    if (existsSync(output) && statSync(output).isDirectory()) renameSync(output, old)
    renameSync(temp, output)
  } finally {
    for (const leftover of [temp, `${temp}.map`, old]) rmSync(leftover, { recursive: true, force: true })
  }
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock)
    writeFileSync(join(lock, 'pid'), String(process.pid))
    return true
  } catch {
    if (lockIsStale(lock)) rmSync(lock, { recursive: true, force: true })
    return false
  }
}

/** A lock whose builder died (killed test run) or that is very old is taken over. */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'))
    if (pid && !isProcessAlive(pid)) return true
  } catch {}
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS
  } catch {
    return false
  }
}

function isFresh(output: string, sources: Sources): boolean {
  let builtAt: number
  try {
    builtAt = statSync(output).mtimeMs
  } catch {
    return false
  }
  const files = sources.flatMap((path) => (existsSync(path) && statSync(path).isDirectory() ? listFiles(path) : [path]))
  return files.every((file) => {
    try {
      return statSync(file).mtimeMs <= builtAt
    } catch {
      return true
    }
  })
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}
