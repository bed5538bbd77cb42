// What `pensar doctor` looks at on this computer besides the Context: file modes, readable and
// writable paths, commands on PATH, the platform, WSL, the host name and live processes. Tests
// replace any of them (`createSystemProbes({ platform: 'darwin', which: … })`).
import { accessSync, constants, readFileSync, statSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { isWsl } from './browser'
import { errorCode } from './errors'
import { isProcessAlive } from './home-files'

export interface PathInfo {
  isDirectory: boolean
  /** Permission bits (`0o600`). */
  mode: number
}

export interface SystemProbes {
  platform: NodeJS.Platform
  hostname(): string
  /** null when nothing is there; other errors (EACCES) are thrown. */
  stat(path: string): PathInfo | null
  /** The text of a file; null when it (or its folder) does not exist; other errors (EACCES) are thrown. */
  readText(path: string): string | null
  writable(path: string): boolean
  /** The nearest folder that exists at or above `path` (what a mkdir -p would create under). */
  nearestExisting(path: string): string
  which(command: string): string | null
  isWsl(): boolean
  isProcessAlive(pid: number): boolean
}

export function createSystemProbes(vars: Record<string, string | undefined>, overrides: Partial<SystemProbes> = {}): SystemProbes {
  return {
    platform: process.platform,
    hostname: () => hostname(),
    stat(path) {
      try {
        const info = statSync(path)
        return { isDirectory: info.isDirectory(), mode: info.mode & 0o777 }
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null
        throw error
      }
    },
    readText(path) {
      try {
        return readFileSync(path, 'utf8')
      } catch (error) {
        // ENOTDIR: PENSAR_HOME is a file, which the home check reports; nothing is stored in it.
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null
        throw error
      }
    },
    writable(path) {
      try {
        accessSync(path, constants.W_OK)
        return true
      } catch {
        return false
      }
    },
    nearestExisting(path) {
      let current = path
      while (this.stat(current) === null && dirname(current) !== current) current = dirname(current)
      return current
    },
    which: (command) => Bun.which(command),
    isWsl: () => isWsl(vars),
    isProcessAlive,
    ...overrides,
  }
}
