// The compiled `dist/pensar`, built at most once for all test files and processes: rebuilt only
// when missing or older than a source file, under a lock folder so concurrent `bun test`
// processes don't build twice, and written to a temp file then renamed, so a binary another
// test is running is never overwritten in place.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { checkStarts, compile } from '../../build/compile'

const ROOT = resolve(import.meta.dir, '../..')
export const PENSAR_BINARY = join(ROOT, 'dist', 'pensar')
const LOCK = join(ROOT, 'dist', '.pensar-build.lock')
const STALE_LOCK_MS = 5 * 60_000
const BUILD_DEADLINE_MS = 5 * 60_000

let built: Promise<string> | undefined

/** Resolves to the path of an up-to-date dist/pensar. */
export function pensarBinary(): Promise<string> {
  built ??= ensureBuilt()
  return built
}

async function ensureBuilt(): Promise<string> {
  const deadline = Date.now() + BUILD_DEADLINE_MS
  mkdirSync(join(ROOT, 'dist'), { recursive: true })
  while (!isFresh()) {
    if (tryLock()) {
      try {
        if (!isFresh()) await build()
      } finally {
        rmSync(LOCK, { recursive: true, force: true })
      }
      break
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${LOCK} (another build?)`)
    await Bun.sleep(200) // waiting for another process's build: nothing to await but the lock
  }
  return PENSAR_BINARY
}

async function build() {
  const temp = `${PENSAR_BINARY}.tmp-${process.pid}`
  try {
    await compile({ outfile: temp })
    checkStarts(temp)
    renameSync(temp, PENSAR_BINARY)
  } finally {
    // The build also writes `<outfile>.map` beside the binary (the map is embedded as well).
    for (const leftover of [temp, `${temp}.map`]) rmSync(leftover, { force: true })
  }
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK)
    writeFileSync(join(LOCK, 'pid'), String(process.pid))
    return true
  } catch {
    if (lockIsStale()) rmSync(LOCK, { recursive: true, force: true })
    return false
  }
}

/** A lock whose builder died (killed test run) or that is very old is taken over. */
function lockIsStale(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'))
    if (pid && !isAlive(pid)) return true
  } catch {}
  try {
    return Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS
  } catch {
    return false
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function isFresh(): boolean {
  let binaryTime: number
  try {
    binaryTime = statSync(PENSAR_BINARY).mtimeMs
  } catch {
    return false
  }
  const sources = [join(ROOT, 'package.json'), join(ROOT, 'build', 'compile.ts'), ...listFiles(join(ROOT, 'src'))]
  return sources.every((file) => {
    try {
      return statSync(file).mtimeMs <= binaryTime
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
