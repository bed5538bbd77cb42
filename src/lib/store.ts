// Everything on disk lives under PENSAR_HOME (default ~/.pensar), as flat JSON:
//   config.json  nothing secret: API URL, auth type, user, workspace, gateway URL
//   auth.json    secrets: tokens, expiry, signing key, API key, refresh endpoints, and the
//                addresses the session was made with (`apiUrl`, `gatewayUrl`): its secrets go
//                nowhere else, whatever config.json says
// Files 0600, never written through a symbolic link (lib/home-files.ts). Writes go to a temp file
// that is fsynced, then renamed, so a crash never leaves half a file; what a killed process leaves
// (temp files, the disk reserve) is swept by the next holder of the refresh lock. Fields this
// version does not know are kept on every write. A file that does not parse is moved aside as
// `<name>.corrupt-<time>` with one warning, and reads as logged out; a file that cannot be read at
// all (a folder in its place, another user's) is a StoreError that says what to do.
//
// The two documents are behind one small interface (`JsonDocument`): auth.json's can be replaced
// by another backend, such as the OS credential store, without touching the callers.
import { checkApiUrlValue } from './api-url'
import { errorCode } from './errors'
import { StoreError } from './file-errors'
import {
  ensureFolder, fsyncFolder, isLooseMode, isProcessAlive, lstatOf, octal, readRegularFile, removeFile, removeQuietly, reserveSpace, tempNameFor, writeNewFile,
} from './home-files'
import { readTextFile } from './read-text-file'
import { resolvePath } from './resolve-path'

// `require`, not `import`: in the compiled binary a static import of a Node built-in costs
// several times more start-up (up to 1 ms for node:fs). Reading goes through readTextFile, so
// node:fs is loaded only by a command that writes.
const fs = () => require('node:fs') as typeof import('node:fs')

export const SCHEMA_VERSION = 1

/** A pensar file is a few kilobytes; a larger one is not ours, and decoding it would cost memory. */
export const MAX_FILE_BYTES = 1024 * 1024

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
  /** The API the session was made with: its credentials are sent there and nowhere else. */
  apiUrl?: string
  /** The gateway of the session's workspace, from the Console's answer at login. */
  gatewayUrl?: string
  [unknown: string]: unknown
}

export interface Reservation {
  release(): void
}

export interface Store {
  readonly paths: { home: string; config: string; auth: string }
  /** Known fields of the wrong type are left out (with one warning), so nothing downstream sees them. */
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
  /** Throws the StoreError a save would meet (a read-only or full disk, a file in the folder's place) before anyone acts. */
  checkWritable(): void
  /** Disk room for rewriting auth.json, held until released (just before the write it protects). */
  reserveRoomForAuth(): Reservation
  /** Removes what a killed pensar left; returns the parsed auth.json temp files among it (their tokens may be live). */
  sweepLeftovers(): Record<string, unknown>[]
}

export interface StoreDeps {
  home: string
  now: () => number
  warn: (message: string) => void
  /** Where auth.json's content lives; the file beside config.json by default. */
  secrets?: JsonDocument
}

/** One JSON object kept somewhere: a file under PENSAR_HOME, or (later) the OS credential store. */
export interface JsonDocument {
  /** Shown to people: a path, or the name of a credential store. */
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

const SESSION_CONFIG_FIELDS = ['authType', 'user', 'workspace', 'gatewayUrl'] as const
/** What the secrets travel with: the addresses a session was made with (see AuthFile). */
const ORIGIN_FIELDS = ['apiUrl', 'gatewayUrl'] as const
/** A new login's auth.json and the room to save its first renewal: the write check at login. */
const SESSION_ROOM_BYTES = 16 * 1024

export function createStore(deps: StoreDeps): Store {
  const paths = { home: deps.home, config: resolvePath(deps.home, 'config.json'), auth: resolvePath(deps.home, 'auth.json') }
  const config = createJsonFile(paths.config, deps)
  const secrets = deps.secrets ?? createJsonFile(paths.auth, deps)
  const warnOnce = onceEach(deps.warn)

  function merged(doc: JsonDocument, patch: Record<string, unknown>): Record<string, unknown> {
    const next: Record<string, unknown> = { ...doc.read(), ...patch, version: SCHEMA_VERSION }
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k]
    return next
  }

  function write(docs: [JsonDocument, Record<string, unknown>][]) {
    ensureHome(deps.home, warnOnce)
    writeAll(docs)
    fsyncFolder(deps.home)
  }

  return {
    paths,
    readConfig: () => {
      const raw = config.read()
      return raw && (withValidFields(raw, paths.config, warnOnce) as ConfigFile)
    },
    readAuth: () => secrets.read() as AuthFile | undefined,
    writeConfig(patch) {
      const next = merged(config, patch)
      write([[config, next]])
      return next as ConfigFile
    },
    writeAuth(patch) {
      const next = merged(secrets, patch)
      write([[secrets, next]])
      return next as AuthFile
    },
    patchSession(patch) {
      const nextConfig = merged(config, patch.config)
      const nextAuth = merged(secrets, { ...originsOf(patch.config), ...patch.auth })
      write([[secrets, nextAuth], [config, nextConfig]])
    },
    saveSession(session) {
      const nextConfig = merged(config, session.config)
      // auth.json is replaced whole: stale secrets of an earlier session must not survive.
      const nextAuth = merged(secrets, {})
      for (const k of Object.keys(nextAuth)) if (isKnownAuthField(k)) delete nextAuth[k]
      Object.assign(nextAuth, originsOf(session.config), session.auth, { version: SCHEMA_VERSION })
      write([[secrets, nextAuth], [config, nextConfig]])
    },
    clearSession() {
      const current = config.read()
      if (current) {
        const next: Record<string, unknown> = { ...current, version: SCHEMA_VERSION }
        for (const k of SESSION_CONFIG_FIELDS) delete next[k]
        write([[config, next]])
      }
      secrets.remove()
    },
    checkWritable() {
      ensureHome(deps.home, warnOnce)
      const probe = tempNameFor(paths.auth)
      try {
        writeNewFile(probe, new Uint8Array(SESSION_ROOM_BYTES))
      } catch (error) {
        throw new StoreError(paths.auth, deps.home, 'write', error)
      } finally {
        removeQuietly(probe)
      }
    },
    reserveRoomForAuth() {
      ensureHome(deps.home, warnOnce)
      const path = `${paths.auth}.reserve`
      // Twice the current file and a block: a renewal's tokens are about the size of the last ones.
      const size = Math.max(8 * 1024, 2 * (lstatOf(paths.auth)?.size ?? 0) + 4096)
      try {
        return reserveSpace(path, size)
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw new StoreError(path, deps.home, 'write', error)
      }
      // Left by a process that was killed (or planted): the name is ours to reuse, never to follow.
      removeQuietly(path)
      try {
        return reserveSpace(path, size)
      } catch (error) {
        throw new StoreError(path, deps.home, 'write', error)
      }
    },
    sweepLeftovers: () => sweepLeftovers(paths),
  }
}

/** The `apiUrl` and `gatewayUrl` a config patch sets, for auth.json too. */
function originsOf(config: Record<string, unknown>): Record<string, unknown> {
  const origins: Record<string, unknown> = {}
  for (const field of ORIGIN_FIELDS) if (field in config) origins[field] = config[field]
  return origins
}

/** Every document is staged (complete and durable) before the first commit; none is left staged on failure. */
function writeAll(docs: [JsonDocument, Record<string, unknown>][]) {
  const staged: StagedWrite[] = []
  try {
    for (const [doc, value] of docs) staged.push(doc.stage(value))
    for (const write of staged) write.commit()
  } finally {
    for (const write of staged) write.discard()
  }
}

/** A JSON file under PENSAR_HOME. */
export function createJsonFile(path: string, deps: Pick<StoreDeps, 'home' | 'now' | 'warn'>): JsonDocument {
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

/**
 * Creates PENSAR_HOME 0700 when it is missing. An existing folder keeps its mode: one that other
 * users can use gets a warning (once), since pensar did not create it and must not change it.
 */
function ensureHome(home: string, warn: (message: string) => void) {
  const { created, mode } = ensureFolder(home)
  if (!created && process.platform !== 'win32' && isLooseMode(mode)) warn(looseHomeWarning(home, mode))
}

export function looseHomeWarning(home: string, mode: number): string {
  return `PENSAR_HOME (${home}) is open to other users (mode ${octal(mode)}); pensar keeps its files 0600 but leaves a folder it did not create as it is. Run \`chmod 700 ${home}\`, or point PENSAR_HOME at a private folder.`
}

/** Each distinct message once per process. */
function onceEach(warn: (message: string) => void): (message: string) => void {
  const said = new Set<string>()
  return (message) => {
    if (said.has(message)) return
    said.add(message)
    warn(message)
  }
}

// Replaced as a whole by a new session (sessionExpiredAt is the refresh flow's marker of an ended one).
const KNOWN_AUTH_FIELDS = new Set(['authType', 'accessToken', 'refreshToken', 'expiresAt', 'tokenType', 'apiKey', 'signingKey', 'clientId', 'issuer', 'tokenEndpoint', 'revocationEndpoint', 'apiUrl', 'gatewayUrl', 'sessionExpiredAt'])
const isKnownAuthField = (k: string) => KNOWN_AUTH_FIELDS.has(k)

const isString = (v: unknown) => typeof v === 'string'
const isObjectOf = (...keys: string[]) => (v: unknown) => Boolean(v) && typeof v === 'object' && !Array.isArray(v) && keys.every((k) => typeof (v as Record<string, unknown>)[k] === 'string')

/** What each known config.json field must be; a hand edit that breaks one is ignored, not shown. */
const CONFIG_FIELDS: Record<string, { valid: (v: unknown) => boolean; expected: string }> = {
  apiUrl: { valid: (v) => isString(v) && checkApiUrlValue(v as string).ok, expected: 'an http(s) address without credentials, query or fragment' },
  authType: { valid: (v) => v === 'workos' || v === 'api-key', expected: '"workos" or "api-key"' },
  user: { valid: isObjectOf('id', 'email'), expected: 'an object with string `id` and `email`' },
  workspace: { valid: isObjectOf('id', 'name', 'slug'), expected: 'an object with string `id`, `name` and `slug`' },
  lastWorkspaceId: { valid: isString, expected: 'a string' },
  consoleUrl: { valid: isString, expected: 'a string' },
  gatewayUrl: { valid: isString, expected: 'a string' },
  clockSkewMs: { valid: (v) => typeof v === 'number' && Number.isFinite(v), expected: 'a number' },
}

function withValidFields(raw: Record<string, unknown>, path: string, warn: (message: string) => void): Record<string, unknown> {
  const valid = { ...raw }
  for (const [field, rule] of Object.entries(CONFIG_FIELDS)) {
    if (valid[field] === undefined || rule.valid(valid[field])) continue
    delete valid[field]
    warn(`${path}: \`${field}\` should be ${rule.expected}; ignoring it. \`pensar login\` writes it again.`)
  }
  return valid
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

/** `<name>.tmp-<pid>-<random>` of either file, and the reserve. */
const LEFTOVER = /^(auth|config)\.json\.(?:tmp-(\d+)-[a-z0-9]+|(reserve))$/

/**
 * Runs holding the refresh lock, under which every write happens: a temp file or reserve seen now
 * was left by a process that died (or lost its lock as stale). One whose writer still runs here is
 * spared until it is older than the lock's stale age, in case that writer is slow, not gone.
 */
function sweepLeftovers(paths: { home: string; auth: string }): Record<string, unknown>[] {
  let names: string[]
  try {
    names = fs().readdirSync(paths.home)
  } catch {
    return []
  }
  const found: Record<string, unknown>[] = []
  for (const name of names) {
    const match = LEFTOVER.exec(name)
    if (!match) continue
    const path = resolvePath(paths.home, name)
    const info = lstatOf(path)
    if (!info) continue
    const pid = match[2] ? Number(match[2]) : undefined
    if (pid !== undefined && pid !== process.pid && isProcessAlive(pid) && Date.now() - info.mtimeMs < 30_000) continue
    if (match[1] === 'auth' && pid !== undefined && info.isFile) {
      const parsed = parseJsonObject(readRegularFile(path, MAX_FILE_BYTES) ?? '')
      if (parsed) found.push(parsed)
    }
    removeQuietly(path)
  }
  return found
}
