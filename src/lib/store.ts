// Everything on disk lives under PENSAR_HOME (default ~/.pensar), as flat JSON:
//   config.json  nothing secret: API URL, auth type, user, workspace, gateway URL
//   auth.json    secrets: tokens, expiry, signing key, API key, refresh endpoints
// Folder 0700, files 0600. Writes go to a temp file that is fsynced, then renamed, so a crash
// never leaves half a file. Fields this version does not know are kept on every write. A file
// that does not parse is moved aside as `<name>.corrupt-<time>` with one warning, and reads as
// logged out.
import { errorCode } from './errors'
import { readTextFile } from './read-text-file'
import { resolvePath } from './resolve-path'
import { writeAllSync } from './write-all'

// `require`, not `import`: in the compiled binary a static import of a Node built-in costs
// several times more start-up (up to 1 ms for node:fs). Reading goes through readTextFile, so
// node:fs is loaded only by a command that writes.
const fs = () => require('node:fs') as typeof import('node:fs')

export const SCHEMA_VERSION = 1

export type AuthType = 'workos' | 'api-key'

export interface WorkspaceRef {
  id: string
  name: string
  slug: string
}

export interface UserRef {
  id: string
  email: string
}

export interface ConfigFile {
  version: number
  apiUrl?: string
  authType?: AuthType
  user?: UserRef
  workspace?: WorkspaceRef
  /** Kept after logout so the next login preselects it. */
  lastWorkspaceId?: string
  consoleUrl?: string
  gatewayUrl?: string
  [unknown: string]: unknown
}

export interface AuthFile {
  version: number
  authType?: AuthType
  accessToken?: string
  refreshToken?: string
  /** Access-token expiry, ms since the epoch, by the server's clock when known. */
  expiresAt?: number
  tokenType?: string
  apiKey?: string
  signingKey?: string
  clientId?: string
  issuer?: string
  tokenEndpoint?: string
  revocationEndpoint?: string
  [unknown: string]: unknown
}

export interface Store {
  readonly paths: { home: string; config: string; auth: string }
  readConfig(): ConfigFile | undefined
  readAuth(): AuthFile | undefined
  /** Merges into the file on disk (unknown fields kept); `undefined` values delete a field. */
  writeConfig(patch: Partial<ConfigFile>): ConfigFile
  writeAuth(patch: Partial<AuthFile>): AuthFile
  /** Merges into both files as one step (as writeConfig/writeAuth), e.g. a workspace and its signing key. */
  patchSession(patch: { config: Partial<ConfigFile>; auth: Partial<AuthFile> }): void
  /** Writes both files as one step: both temp files are complete and fsynced before either rename. */
  saveSession(session: { config: Partial<ConfigFile>; auth: Omit<AuthFile, 'version'> }): void
  /** Deletes auth.json and the session fields of config.json; keeps apiUrl, lastWorkspaceId, unknown fields. */
  clearSession(): void
}

export interface StoreDeps {
  home: string
  now: () => number
  warn: (message: string) => void
}

const SESSION_CONFIG_FIELDS = ['authType', 'user', 'workspace', 'gatewayUrl'] as const

export function createStore(deps: StoreDeps): Store {
  const paths = { home: deps.home, config: resolvePath(deps.home, 'config.json'), auth: resolvePath(deps.home, 'auth.json') }

  function read(path: string): Record<string, unknown> | undefined {
    const text = readTextFile(path)
    if (text === undefined) return undefined
    const parsed = parseJsonObject(text)
    if (parsed) return parsed
    const aside = `${path}.corrupt-${new Date(deps.now()).toISOString().replace(/[:.]/g, '-')}`
    try {
      fs().renameSync(path, aside)
    } catch (error) {
      // A read-only PENSAR_HOME: still never a crash, just logged out.
      deps.warn(`${path} could not be read (not valid JSON) nor moved aside (${errorCode(error) ?? String(error)}); carrying on as logged out.`)
      return undefined
    }
    deps.warn(`${path} could not be read (not valid JSON); moved it to ${aside} and carrying on as logged out.`)
    return undefined
  }

  function merged(path: string, patch: Record<string, unknown>): Record<string, unknown> {
    const next: Record<string, unknown> = { ...read(path), ...patch, version: SCHEMA_VERSION }
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k]
    return next
  }

  return {
    paths,
    readConfig: () => read(paths.config) as ConfigFile | undefined,
    readAuth: () => read(paths.auth) as AuthFile | undefined,
    writeConfig(patch) {
      const next = merged(paths.config, patch)
      writeFiles([[paths.config, next]])
      return next as ConfigFile
    },
    writeAuth(patch) {
      const next = merged(paths.auth, patch)
      writeFiles([[paths.auth, next]])
      return next as AuthFile
    },
    patchSession({ config, auth }) {
      const nextConfig = merged(paths.config, config)
      const nextAuth = merged(paths.auth, auth)
      writeFiles([[paths.auth, nextAuth], [paths.config, nextConfig]])
    },
    saveSession({ config, auth }) {
      const nextConfig = merged(paths.config, config)
      // auth.json is replaced whole: stale secrets of an earlier session must not survive.
      const nextAuth = merged(paths.auth, {})
      for (const k of Object.keys(nextAuth)) if (isKnownAuthField(k)) delete nextAuth[k]
      Object.assign(nextAuth, auth, { version: SCHEMA_VERSION })
      writeFiles([[paths.auth, nextAuth], [paths.config, nextConfig]])
    },
    clearSession() {
      const config = read(paths.config)
      if (config) {
        const next: Record<string, unknown> = { ...config, version: SCHEMA_VERSION }
        for (const k of SESSION_CONFIG_FIELDS) delete next[k]
        writeFiles([[paths.config, next]])
      }
      fs().rmSync(paths.auth, { force: true })
    },
  }

  function prepare(path: string, value: Record<string, unknown>): { temp: string; path: string } {
    ensureHome(deps.home)
    const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`
    const fd = fs().openSync(temp, 'w', 0o600)
    try {
      writeAllSync(fd, `${JSON.stringify(value, null, 2)}\n`)
      fs().fsyncSync(fd)
    } catch (error) {
      fs().closeSync(fd)
      fs().rmSync(temp, { force: true })
      throw error
    }
    fs().closeSync(fd)
    return { temp, path }
  }

  /** Every temp file is complete and fsynced before the first rename; none is left behind on failure. */
  function writeFiles(files: [path: string, value: Record<string, unknown>][]) {
    const prepared: { temp: string; path: string }[] = []
    try {
      for (const [path, value] of files) prepared.push(prepare(path, value))
      for (const { temp, path } of prepared) {
        fs().chmodSync(temp, 0o600)
        fs().renameSync(temp, path)
      }
    } finally {
      for (const { temp } of prepared) fs().rmSync(temp, { force: true })
    }
    fsyncDir(deps.home)
  }
}

// Replaced as a whole by a new session (sessionExpiredAt is the refresh flow's marker of an ended one).
const KNOWN_AUTH_FIELDS = new Set(['authType', 'accessToken', 'refreshToken', 'expiresAt', 'tokenType', 'apiKey', 'signingKey', 'clientId', 'issuer', 'tokenEndpoint', 'revocationEndpoint', 'sessionExpiredAt'])
const isKnownAuthField = (k: string) => KNOWN_AUTH_FIELDS.has(k)

/** Creates PENSAR_HOME 0700, and tightens it if it exists with looser bits. */
export function ensureHome(home: string) {
  if (!fs().existsSync(home)) fs().mkdirSync(home, { recursive: true, mode: 0o700 })
  if ((fs().statSync(home).mode & 0o077) !== 0) fs().chmodSync(home, 0o700)
}

function fsyncDir(dir: string) {
  try {
    const fd = fs().openSync(dir, 'r')
    try {
      fs().fsyncSync(fd)
    } finally {
      fs().closeSync(fd)
    }
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is still atomic.
  }
}

/** The JSON object in `text`; undefined when it is not JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
