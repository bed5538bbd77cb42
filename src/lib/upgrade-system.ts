// What `pensar upgrade` needs from the computer besides the Context: which program is running
// (its build and its real path), downloads, the files beside it, and running a candidate binary.
// Tests replace any of them (`createUpgradeSystem({ selfPath: …, fetch: … })`).
import { open, realpath, rename, rm } from 'node:fs/promises'
import { BUILD } from '../build-info'
import type { FetchFn } from './http'

export interface RunningBuild {
  version: string
  commit: string
  target: string
}

export interface FileWriter {
  write(bytes: Uint8Array): Promise<void>
  /** Flushes to disk (fsync) and closes; again, does nothing. */
  close(): Promise<void>
}

export interface ProgramRun {
  code: number | null
  stdout: string
  stderr: string
}

export interface UpgradeSystem {
  build: RunningBuild
  platform: NodeJS.Platform
  /** The running binary's path with symlinks resolved: the file an upgrade replaces. */
  selfPath(): Promise<string>
  fetch: FetchFn
  /** A new file, mode 755; fails with EEXIST when it exists, EACCES/EPERM/EROFS when the folder is closed. */
  createExecutable(path: string): Promise<FileWriter>
  /** Replaces `to` when it exists (on Windows, not while `to` is running). */
  rename(from: string, to: string): Promise<void>
  /** No error when it is already gone. */
  remove(path: string): Promise<void>
  /** Runs a program without a shell, stdin closed, and kills it after `timeoutMs`. */
  run(argv: string[], timeoutMs: number): Promise<ProgramRun>
}

export function createUpgradeSystem(overrides: Partial<UpgradeSystem> = {}): UpgradeSystem {
  return {
    build: BUILD,
    platform: process.platform,
    selfPath: () => realpath(process.execPath),
    fetch: (input, init) => fetch(input, init),
    async createExecutable(path) {
      const handle = await open(path, 'wx', 0o755)
      let closed = false
      return {
        async write(bytes) {
          for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
        },
        async close() {
          if (closed) return
          closed = true
          try {
            // The mode given to open() passes through the umask; an executable must be 755.
            await handle.chmod(0o755)
            await handle.sync()
          } finally {
            await handle.close()
          }
        },
      }
    },
    rename: (from, to) => rename(from, to),
    remove: (path) => rm(path, { force: true }),
    async run(argv, timeoutMs) {
      const proc = Bun.spawn(argv, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', timeout: timeoutMs, killSignal: 'SIGKILL' })
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
      return { code: proc.signalCode ? null : code, stdout, stderr }
    },
    ...overrides,
  }
}
