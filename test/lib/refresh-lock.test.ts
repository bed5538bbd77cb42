import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireRefreshLock } from '../../src/lib/refresh-lock'
import { CancelledError, PensarError } from '../../src/lib/errors'
import { runHardExitHooks } from '../../src/lib/exit-hooks'

let dir: string
let lockPath: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pensar-lock-'))
  lockPath = join(dir, 'auth-refresh.lock')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The pid of a process that has already exited. */
function deadPid(): number {
  const proc = Bun.spawnSync(['true'])
  return proc.pid
}

function writeLock(holder: Record<string, unknown>): void {
  writeFileSync(lockPath, JSON.stringify(holder))
}

describe('acquireRefreshLock', () => {
  test('creates a 0600 lock naming this process, and release removes it', async () => {
    const lock = await acquireRefreshLock({ path: lockPath })
    const holder = JSON.parse(readFileSync(lockPath, 'utf8'))
    expect(holder.pid).toBe(process.pid)
    expect(holder.host).toBe(hostname())
    expect(typeof holder.createdAt).toBe('number')
    expect(statSync(lockPath).mode & 0o777).toBe(0o600)
    lock.release()
    expect(existsSync(lockPath)).toBe(false)
  })

  test('a second taker waits until the first releases', async () => {
    const first = await acquireRefreshLock({ path: lockPath })
    const events: string[] = []
    let waits = 0
    // The first holder lets go during the second taker's third wait: it must not have the lock before.
    const sleep = async () => {
      if (++waits === 3) {
        events.push('first released')
        first.release()
      }
    }
    const second = await acquireRefreshLock({ path: lockPath, sleep })
    events.push('second acquired')
    second.release()
    expect(waits).toBe(3)
    expect(events).toEqual(['first released', 'second acquired'])
  })

  test('Ctrl-C stops the wait for a lock another process holds', async () => {
    writeLock({ pid: process.ppid, host: hostname(), createdAt: Date.now(), id: 'live' })
    const abort = new AbortController()
    const waiting = acquireRefreshLock({ path: lockPath, pollMs: 1, signal: abort.signal }).catch((e) => e)
    abort.abort(new CancelledError('Login cancelled.'))
    const error = await waiting
    expect(error).toBeInstanceOf(CancelledError)
    expect(error.message).toBe('Login cancelled.')
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).id).toBe('live')
  })

  test('breaks a lock left by a dead process (kill -9 mid-refresh)', async () => {
    writeLock({ pid: deadPid(), host: hostname(), createdAt: Date.now(), id: 'dead' })
    const lock = await acquireRefreshLock({ path: lockPath, timeoutMs: 5_000 })
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  test('breaks a lock older than 30 s even when its holder lives', async () => {
    writeLock({ pid: process.ppid, host: hostname(), createdAt: Date.now() - 31_000, id: 'old' })
    const lock = await acquireRefreshLock({ path: lockPath, timeoutMs: 5_000 })
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).id).not.toBe('old')
    lock.release()
  })

  test('breaks an unreadable lock file only once it is old', async () => {
    writeFileSync(lockPath, '{"pid": 12')
    const start = Date.now()
    let now = start
    const lock = await acquireRefreshLock({ path: lockPath, now: () => now, sleep: async () => { now += 10_000 }, timeoutMs: 60_000 })
    // It waited until the file's mtime was more than 30 s old, no longer.
    expect(now - start).toBeGreaterThanOrEqual(30_000)
    expect(now - start).toBeLessThanOrEqual(40_000)
    lock.release()
  })

  test('does not break a live holder\'s fresh lock: times out with a clear message', async () => {
    writeLock({ pid: process.ppid, host: hostname(), createdAt: Date.now(), id: 'live' })
    let now = Date.now()
    const error = await acquireRefreshLock({ path: lockPath, now: () => now, sleep: async () => { now += 1_000 }, timeoutMs: 5_000 }).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.message).toContain('another pensar process')
    expect(error.message).toContain(lockPath)
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).id).toBe('live')
  })

  test('a lock of another host is judged by age only', async () => {
    writeLock({ pid: deadPid(), host: 'elsewhere', createdAt: Date.now(), id: 'remote' })
    let now = Date.now()
    const error = await acquireRefreshLock({ path: lockPath, now: () => now, sleep: async () => { now += 1_000 }, timeoutMs: 3_000 }).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
  })

  test('release leaves alone a lock that is no longer ours', async () => {
    const lock = await acquireRefreshLock({ path: lockPath })
    writeLock({ pid: 1, host: hostname(), createdAt: Date.now(), id: 'someone-else' })
    lock.release()
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).id).toBe('someone-else')
  })

  test('an unwritable folder is a clear error, not a crash', async () => {
    const file = join(dir, 'not-a-folder')
    writeFileSync(file, '')
    const error = await acquireRefreshLock({ path: join(file, 'auth-refresh.lock') }).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.message).toContain('Cannot write the refresh lock')
    expect(error.hint).toContain('PENSAR_HOME')
  })

  test('processes racing for the lock never overlap', async () => {
    const log = join(dir, 'log')
    writeFileSync(log, '')
    const worker = join(import.meta.dir, 'fixtures/lock-worker.ts')
    const procs = Array.from({ length: 6 }, () =>
      Bun.spawn([process.execPath, worker, lockPath, log, '4'], { stdout: 'ignore', stderr: 'pipe' }),
    )
    try {
      const codes = await Promise.all(procs.map((p) => p.exited))
      expect(codes).toEqual(procs.map(() => 0))
    } finally {
      for (const p of procs) p.kill()
    }
    const lines = readFileSync(log, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(6 * 4 * 2)
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, leave] = [lines[i]!.split(' '), lines[i + 1]!.split(' ')]
      expect([enter[0], leave[0], leave[1]]).toEqual(['enter', 'leave', enter[1]])
    }
    expect(existsSync(lockPath)).toBe(false)
  }, 30_000)

  test('a link planted at the lock\'s name is no lock: moved aside at once, what it points to untouched', async () => {
    const target = join(dir, 'not-pensars')
    writeFileSync(target, 'someone else\'s file')
    symlinkSync(target, lockPath)
    const lock = await acquireRefreshLock({ path: lockPath, timeoutMs: 1_000 })
    expect(lstatSync(lockPath).isFile()).toBe(true)
    expect(statSync(lockPath).mode & 0o777).toBe(0o600)
    expect(readFileSync(target, 'utf8')).toBe('someone else\'s file')
    lock.release()
    expect(readdirSync(dir).sort()).toEqual(['not-pensars'])
  })

  test('a stale-lock aside left by a killed process is swept by the next holder', async () => {
    const aside = join(dir, `auth-refresh.lock.stale-${deadPid()}-abcd`)
    writeFileSync(aside, '{}')
    const lock = await acquireRefreshLock({ path: lockPath })
    expect(existsSync(aside)).toBe(false)
    lock.release()
  })

  test('an exit that cannot wait (a second signal) still releases the lock', async () => {
    await acquireRefreshLock({ path: lockPath })
    expect(existsSync(lockPath)).toBe(true)
    runHardExitHooks()
    expect(existsSync(lockPath)).toBe(false)
  })
})
