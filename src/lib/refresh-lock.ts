// A cross-process lock around the refresh grant. Refresh tokens rotate and the Console treats a
// rotated token presented again as theft (it revokes the whole session), so two processes must
// never refresh with the same token. The lock is a file created exclusively (O_EXCL, never through
// a symbolic link, 0600) holding the holder's pid, host and time; it is stale after 30 s or when
// its holder's pid is gone (kill -9). Anything at its name that is not a regular file (a planted
// link) is no lock: it is moved aside at once, never followed.
import { closeSync, fsyncSync, linkSync, readdirSync, renameSync, unlinkSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { systemClock, type Clock } from './clock'
import { cancelledFrom, errorCode, PensarError } from './errors'
import { onHardExit } from './exit-hooks'
import { StoreError } from './file-errors'
import { createNewFile, ensureFolder, isProcessAlive, LOCK_STALE_AFTER_MS, lstatOf, readRegularFile, removeQuietly } from './home-files'
import { writeAllSync } from './write-all'

export const LOCK_FILE_NAME = 'auth-refresh.lock'

export interface RefreshLockOptions {
  path: string
  /** Local wall clock, epoch ms (the lock's age is a local matter). */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  isProcessAlive?: (pid: number) => boolean
  pid?: number
  staleAfterMs?: number
  /** Give up waiting after this long: a little more than the stale age. */
  timeoutMs?: number
  pollMs?: number
  /** Ctrl-C: stop waiting for another process's lock (rejects with the signal's CancelledError). */
  signal?: AbortSignal
}

export interface RefreshLock {
  release(): void
}

interface LockHolder {
  pid: number
  host: string
  createdAt: number
  id: string
}

/**
 * Runs `fn` holding PENSAR_HOME's refresh lock: every writer of tokens goes through here. The wait
 * for another process's lock ends on Ctrl-C, or when `opts.signal` aborts (a caller's deadline).
 */
export async function withRefreshLock<T>(
  ctx: { env: { home: string }; signal: AbortSignal; clock: Clock },
  fn: () => T | Promise<T>,
  opts: { signal?: AbortSignal } = {},
): Promise<T> {
  const signal = opts.signal ? AbortSignal.any([ctx.signal, opts.signal]) : ctx.signal
  const lock = await acquireRefreshLock({ path: join(ctx.env.home, LOCK_FILE_NAME), signal, sleep: (ms) => ctx.clock.sleep(ms, signal) })
  try {
    return await fn()
  } finally {
    lock.release()
  }
}

export async function acquireRefreshLock(opts: RefreshLockOptions): Promise<RefreshLock> {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? ((ms: number) => systemClock.sleep(ms, opts.signal))
  const deadline = now() + (opts.timeoutMs ?? LOCK_STALE_AFTER_MS + 10_000)
  const self: LockHolder = { pid: opts.pid ?? process.pid, host: hostname(), createdAt: 0, id: randomHex(8) }
  try {
    ensureFolder(dirname(opts.path))
  } catch (error) {
    throw unwritable(opts.path, error)
  }
  for (;;) {
    if (opts.signal?.aborted) throw cancelledFrom(opts.signal)
    self.createdAt = now()
    if (tryCreate(opts.path, self)) return held(opts.path, self.id)
    const seen = readLock(opts.path)
    if (seen && isStale(seen, opts, now())) breakStaleLock(opts.path, seen.raw)
    else if (now() > deadline) {
      throw new PensarError(`Timed out waiting for another pensar process to finish renewing the session (lock file ${opts.path}).`, {
        hint: 'If no other pensar process is running, delete that file and try again.',
      })
    } else await sleep((opts.pollMs ?? 40) + Math.floor(Math.random() * 20))
  }
}

/** Ours: released on release(), and even on an exit that cannot wait (exit-hooks.ts). */
function held(path: string, id: string): RefreshLock {
  sweepAsides(path)
  const forget = onHardExit(() => releaseLock(path, id))
  return {
    release: () => {
      releaseLock(path, id)
      forget()
    },
  }
}

/** True when the lock is ours now; false when someone else holds it. */
function tryCreate(path: string, self: LockHolder): boolean {
  let fd: number
  try {
    fd = createNewFile(path)
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false
    throw unwritable(path, error)
  }
  try {
    writeAllSync(fd, JSON.stringify(self))
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    try { unlinkSync(path) } catch { /* nothing to undo */ }
    throw unwritable(path, error) // a full disk: an empty lock file must not be left behind
  }
  closeSync(fd)
  return true
}

interface SeenLock {
  holder: Partial<LockHolder>
  /** null: not a regular file (a link, a device), so no lock at all. */
  raw: string | null
  mtimeMs: number
}

const MAX_LOCK_BYTES = 4096

function readLock(path: string): SeenLock | null {
  const info = lstatOf(path)
  if (!info) return null // released between our create attempt and this read
  if (info.isDirectory) throw unwritable(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }))
  const raw = info.isFile ? readRegularFile(path, MAX_LOCK_BYTES) : null
  if (info.isFile && raw === null) return null
  let holder: Partial<LockHolder> = {}
  try {
    const parsed: unknown = JSON.parse(raw ?? '')
    if (parsed && typeof parsed === 'object') holder = parsed as Partial<LockHolder>
  } catch {
    // Being written right now, or garbage: judged by its age alone.
  }
  return { holder, raw, mtimeMs: info.mtimeMs }
}

function isStale(seen: SeenLock, opts: RefreshLockOptions, now: number): boolean {
  if (seen.raw === null) return true
  const createdAt = typeof seen.holder.createdAt === 'number' ? seen.holder.createdAt : seen.mtimeMs
  // A creation time in the future (a clock set back) is judged by the file's mtime instead.
  const age = now - (createdAt > now ? seen.mtimeMs : createdAt)
  if (age > (opts.staleAfterMs ?? LOCK_STALE_AFTER_MS)) return true
  const { pid, host } = seen.holder
  if (typeof pid !== 'number' || host !== hostname()) return false
  return !(opts.isProcessAlive ?? isProcessAlive)(pid)
}

/**
 * Removes a stale lock without removing a fresh one that replaced it in the meantime: move it
 * aside (atomic), and if what we moved is not the stale lock we judged, put it back.
 */
function breakStaleLock(path: string, staleRaw: string | null): void {
  const aside = `${path}.stale-${process.pid}-${randomHex(4)}`
  try {
    renameSync(path, aside)
  } catch {
    return // someone else broke it first
  }
  try {
    if (readRegularFile(aside, MAX_LOCK_BYTES) !== staleRaw) linkSync(aside, path)
  } catch {
    // A newer lock already exists; the one we moved belongs to a holder that will see it gone.
  } finally {
    try { unlinkSync(aside) } catch { /* already gone */ }
  }
}

function releaseLock(path: string, id: string): void {
  try {
    const holder = JSON.parse(readRegularFile(path, MAX_LOCK_BYTES) ?? '') as Partial<LockHolder>
    if (holder.id === id) unlinkSync(path)
  } catch {
    // Gone already (broken as stale): nothing to release.
  }
}

/** `<lock>.stale-<pid>-<random>`: what breakStaleLock leaves when killed between its rename and unlink. */
function sweepAsides(path: string): void {
  const prefix = `${basename(path)}.stale-`
  let names: string[]
  try {
    names = readdirSync(dirname(path))
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length).split('-')[0])
    if (pid !== process.pid && !isProcessAlive(pid)) removeQuietly(join(dirname(path), name))
  }
}

function unwritable(path: string, error: unknown): PensarError {
  const problem = error instanceof StoreError ? error : new StoreError(path, dirname(path), 'write', error)
  return new PensarError(`Cannot write the refresh lock: ${problem.message}`, {
    code: 'store_failed',
    hint: `${problem.hint} Nothing was changed.`,
    cause: error,
  })
}

/** Web Crypto rather than node:crypto, which costs ~2 ms to load at start-up. */
function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')
}
