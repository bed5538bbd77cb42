// Everything pensar keeps lives under PENSAR_HOME (default ~/.pensar), as flat JSON, except the
// secrets when the OS keychain holds them:
//   config.json  nothing secret: API URL, auth type, user, workspace, gateway URL, and where the
//                secrets are (`credentialStore`: "keychain" or "file"); with the keychain, also
//                the access token's expiry, so `status --offline` never has to open it
//   auth.json    the session's document: tokens, expiry, signing key, API key, refresh endpoints,
//                and the addresses the session was made with (`apiUrl`, `gatewayUrl`), which its
//                secrets go to and nowhere else, whatever config.json says. Kept in the OS
//                keychain instead (one entry, the whole document, lib/keychain.ts) when the
//                credential store is `keychain`, or `auto` and a keychain answers.
// Files 0600, never written through a symbolic link (lib/home-files.ts, lib/json-file.ts). Fields
// this version does not know are kept on every write; what a killed process leaves (temp files,
// the disk reserve) is swept by the next holder of the refresh lock.
//
// A session moves between the file and the keychain on a write, in the order that never loses
// it: the new place is written and confirmed, then config.json (which says where the secrets
// are) is renamed into place, and only then is the old copy removed. A crash in between leaves
// config.json pointing at a complete copy.
import { checkApiUrlValue } from './api-url'
import type { CredentialMode } from './credential-mode'
import { CancelledError, errorCode, PensarError } from './errors'
import { StoreError } from './file-errors'
import { ensureFolder, fsyncFolder, isLooseMode, isProcessAlive, LOCK_STALE_AFTER_MS, lstatOf, octal, readRegularFile, removeFile, removeQuietly, reserveSpace, tempNameFor, writeNewFile } from './home-files'
import { createJsonFile, MAX_FILE_BYTES, parseJson, parseJsonObject, type JsonDocument, type StagedWrite } from './json-file'
import { accessTokenExpiresAt } from './jwt'
import { keychainName, KeychainUnavailable, KEYCHAIN_SERVICE, sessionEntryName, type Keychain } from './keychain'
import { entryLeftBehind, fallbackNotice, keychainEntryMissing, KeychainError, keychainReadError, keychainWriteError, stayedInFile, unlockWhileYouApprove } from './keychain-errors'
import { resolvePath } from './resolve-path'

// node:fs on first use only, as in lib/json-file.ts: a static import costs every start-up.
const fs = () => require('node:fs') as typeof import('node:fs')

export const SCHEMA_VERSION = 1

export type AuthType = 'workos' | 'api-key'

export type { CredentialMode } from './credential-mode'
export type CredentialBackend = 'keychain' | 'file'

/** Where the stored secrets are, as config.json says (the keychain is not opened to tell). */
export interface CredentialsPlace {
  backend: CredentialBackend
  /** For people: the file's path, or "OS keychain (Secret Service)". */
  location: string
  /** The keychain entry, when the keychain holds them (undefined when config.json names no API). */
  entry?: { service: string; name: string }
}

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
  /** Where the session's secrets are; absent for a session saved before pensar knew the keychain (then auth.json). */
  credentialStore?: CredentialBackend
  /** With the keychain only: the access token's expiry and the end of the session, copied for `status --offline`. */
  expiresAt?: number
  sessionExpiredAt?: number
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
  readonly credentialMode: CredentialMode
  /** The OS keychain this store uses (doctor checks it); undefined when it uses the file only. */
  readonly keychain: Keychain | undefined
  /** The same store, putting secrets where `mode` says (`login --credential-store`). */
  withCredentialMode(mode: CredentialMode): Store
  /** Where the stored secrets are, from config.json alone: never opens the keychain. */
  credentialsPlace(): CredentialsPlace
  /** The same from config.json's content already read (`readConfig()`), so a command reads it once. */
  credentialsPlaceIn(config: ConfigFile | undefined): CredentialsPlace
  /** Known fields of the wrong type are left out (with one warning), so nothing downstream sees them. */
  readConfig(): ConfigFile | undefined
  /**
   * The session's document, from auth.json or the keychain; a keychain that cannot answer is a
   * KeychainError (exit 4). `place`: where config.json, already read, says it is.
   */
  readAuth(place?: CredentialsPlace): Promise<AuthFile | undefined>
  /** Merges into the file on disk (unknown fields kept); `undefined` values delete a field. */
  writeConfig(patch: Partial<ConfigFile>): ConfigFile
  writeAuth(patch: Partial<AuthFile>): Promise<AuthFile>
  /** Merges into both documents as one step (as writeConfig/writeAuth), e.g. a workspace and its signing key. */
  patchSession(patch: { config: Partial<ConfigFile>; auth: Partial<AuthFile> }): Promise<void>
  /** Writes a new session: both documents as one step, the secrets where the credential mode says. */
  saveSession(session: { config: Partial<ConfigFile>; auth: Omit<AuthFile, 'version'> }): Promise<void>
  /** Deletes the secrets (keychain entry and any file copy) and the session fields of config.json; keeps apiUrl, lastWorkspaceId, unknown fields. */
  clearSession(): Promise<void>
  /** Throws what a save would meet (a read-only or full disk, a file in the folder's place, a keychain that must be used and cannot) before anyone acts. */
  checkWritable(): Promise<void>
  /** Disk room for rewriting auth.json, held until released (just before the write it protects). */
  reserveRoomForAuth(): Reservation
  /** Removes what a killed pensar left; returns the parsed auth.json temp files among it (their tokens may be live). */
  sweepLeftovers(): Record<string, unknown>[]
  /**
   * Starts reading the session's keychain entry now, so the round trip runs while the command's
   * code loads; the command's first read of it takes the answer. Nothing happens with the file.
   */
  prefetchSecrets(): void
}

export interface StoreDeps {
  home: string
  now: () => number
  warn: (message: string) => void
  /** Where writes put the secrets; `file` when there is no keychain. */
  credentialMode?: CredentialMode
  /** The OS keychain (lib/keychain.ts); without one, only the file is used. */
  keychain?: Keychain
}

const SESSION_CONFIG_FIELDS = ['authType', 'user', 'workspace', 'gatewayUrl', 'credentialStore', 'expiresAt', 'sessionExpiredAt'] as const
/** The copy of the keychain document's state in config.json (see ConfigFile). */
const SUMMARY_FIELDS = ['expiresAt', 'sessionExpiredAt'] as const
/** What the secrets travel with: the addresses a session was made with (see AuthFile). */
const ORIGIN_FIELDS = ['apiUrl', 'gatewayUrl'] as const
/** A new login's auth.json and the room to save its first renewal: the write check at login. */
const SESSION_ROOM_BYTES = 16 * 1024
/** Written and deleted by the login's check that the keychain takes a write. */
const PROBE_ENTRY = 'pensar reachability check'

type Place = { backend: 'file' } | { backend: 'keychain'; entry: string | undefined }
type Doc = Record<string, unknown>

export function createStore(deps: StoreDeps): Store {
  // Shared by every mode's view of the store (`withCredentialMode`).
  const shared: SharedState = { keychainFailed: false, probeLeft: false, warnOnce: onceEach(deps.warn) }
  return storeWithMode(deps, deps.keychain ? (deps.credentialMode ?? 'auto') : 'file', shared)
}

interface SharedState {
  /** The keychain failed in this process: `auto` said so, and neither tries nor says it again. */
  keychainFailed: boolean
  /** The login's probe write timed out and may land once the keychain is unlocked: removed after the save. */
  probeLeft: boolean
  warnOnce: (message: string) => void
  /** A keychain read started early (`prefetchSecrets`), taken by the first read of that entry. */
  prefetched?: { entry: string; text: Promise<string | null> }
}

function storeWithMode(deps: StoreDeps, mode: CredentialMode, shared: SharedState): Store {
  const paths = { home: deps.home, config: resolvePath(deps.home, 'config.json'), auth: resolvePath(deps.home, 'auth.json') }
  const config = createJsonFile(paths.config, deps)
  const authFile = createJsonFile(paths.auth, deps)
  const { warnOnce } = shared
  const keychain = deps.keychain

  function placeOf(raw: Doc | undefined): Place {
    if (raw?.credentialStore !== 'keychain') return { backend: 'file' }
    return { backend: 'keychain', entry: entryFor(raw.apiUrl) }
  }

  /** The session's entry is named after PENSAR_HOME and its API (lib/keychain.ts, sessionEntryName). */
  function entryFor(apiUrl: unknown): string | undefined {
    const checked = typeof apiUrl === 'string' ? checkApiUrlValue(apiUrl) : undefined
    return checked?.ok ? sessionEntryName(checked.url, deps.home) : undefined
  }

  function publicPlace(place: Place): CredentialsPlace {
    if (place.backend === 'file') return { backend: 'file', location: paths.auth }
    return { backend: 'keychain', location: keychain?.name ?? keychainName(process.platform), entry: place.entry ? { service: KEYCHAIN_SERVICE, name: place.entry } : undefined }
  }

  function requireKeychain(): Keychain {
    if (keychain) return keychain
    throw new KeychainError(`${paths.config} says the credentials are in the OS keychain, which this pensar cannot use.`, { code: 'keychain_unavailable', hint: 'Run `pensar login` to log in again.', exitCode: 4 })
  }

  async function readSecrets(place: Place): Promise<Doc | undefined> {
    if (place.backend === 'file') return authFile.read()
    const chain = requireKeychain()
    if (!place.entry) {
      throw new KeychainError(`${paths.config} says the credentials are in the ${chain.name} but names no valid \`apiUrl\`, so pensar cannot tell which entry is the session's.`, { code: 'keychain_entry_missing', hint: 'Run `pensar login` to log in again.', exitCode: 4 })
    }
    let text: string | null
    try {
      text = await (takePrefetched(place.entry) ?? chain.get(place.entry))
    } catch (error) {
      throw error instanceof KeychainUnavailable ? keychainReadError(chain, error) : error
    }
    if (text === null) throw keychainEntryMissing(chain, place.entry)
    const parsed = parseJson(text)
    if (parsed.ok) return parsed.value
    warnOnce(`The ${chain.name} entry "${place.entry}" is not usable (${parsed.problem}); carrying on as logged out. \`pensar login\` replaces it.`)
    return undefined
  }

  /** The early read of `entry`, once: a later read asks the keychain again (a renewal may have come between). */
  function takePrefetched(entry: string): Promise<string | null> | undefined {
    const early = shared.prefetched
    shared.prefetched = undefined
    return early?.entry === entry ? early.text : undefined
  }

  /** A new session replaces whatever was stored, even what cannot be read any more. */
  async function readSecretsLeniently(place: Place): Promise<Doc | undefined> {
    try {
      return await readSecrets(place)
    } catch (error) {
      if (error instanceof CancelledError || !(error instanceof PensarError)) throw error
      return undefined
    }
  }

  /** Where a write puts the secrets (docs/cli-reference.md, "Where secrets are kept"). */
  function targetOf(current: Doc | undefined, from: Place, newSession: boolean): CredentialBackend {
    if (mode !== 'auto') return mode
    if (shared.keychainFailed) return 'file'
    // A session `auto` once kept in the file stays there until the next login; one saved before
    // pensar knew the keychain (no `credentialStore`) moves into it.
    if (from.backend === 'file' && current?.credentialStore === 'file' && !newSession) return 'file'
    return 'keychain'
  }

  /**
   * Writes the session's document `auth` and config.json (`configPatch` merged in, and where the
   * secrets now are), moving the secrets when the target is not where they were.
   */
  async function writeSession(auth: Doc, configPatch: Doc | undefined, opts: { newSession: boolean }): Promise<void> {
    const current = config.read()
    const from = placeOf(current)
    const target = targetOf(current, from, opts.newSession)
    ensureHome(deps.home, warnOnce)
    if (target === 'keychain') {
      const entry = await writeToKeychain(auth, current, configPatch, { from, newSession: opts.newSession })
      if (entry) return removeOldCopies(from, entry)
    }
    const nextConfig = configFor(current, configPatch, 'file', auth)
    const docs: [JsonDocument, Doc][] = [[authFile, auth]]
    if (configPatch || current?.credentialStore !== 'file') docs.push([config, nextConfig])
    writeAll(docs)
    fsyncFolder(deps.home)
    if (from.backend === 'keychain') await removeKeychainEntry(from.entry)
  }

  /**
   * The entry, once the keychain holds `auth` and config.json says so; undefined when the file is
   * to take it instead: `auto` falls back, and a session already in the file stays there (a
   * renewal's tokens must be saved somewhere, and `keychain` only promises never to put secrets in
   * a new file).
   */
  async function writeToKeychain(auth: Doc, current: Doc | undefined, configPatch: Doc | undefined, was: { from: Place; newSession: boolean }): Promise<string | undefined> {
    const chain = requireKeychain()
    const entry = entryFor(configPatch?.apiUrl ?? current?.apiUrl)
    if (!entry) throw new KeychainError(`The credentials cannot go to the ${chain.name}: ${paths.config} names no valid \`apiUrl\`, which names the entry.`, { code: 'keychain_entry_missing', hint: 'Run `pensar login` to log in again.' })
    // config.json is staged first, so that once the keychain has the secrets only a rename is left.
    const staged = config.stage(configFor(current, configPatch, 'keychain', auth))
    try {
      try {
        await chain.set(entry, JSON.stringify(auth))
      } catch (error) {
        if (!(error instanceof KeychainUnavailable)) throw error
        if (mode === 'auto') {
          shared.keychainFailed = true
          deps.warn(fallbackNotice(chain, error, paths.auth))
          return undefined
        }
        if (was.newSession || was.from.backend !== 'file' || !lstatOf(paths.auth)?.isFile) throw keychainWriteError(chain, error)
        warnOnce(stayedInFile(chain, error, paths.auth))
        return undefined
      }
      staged.commit()
    } finally {
      staged.discard()
    }
    fsyncFolder(deps.home)
    if (shared.probeLeft) {
      shared.probeLeft = false
      await chain.delete(PROBE_ENTRY).catch(() => false)
    }
    return entry
  }

  /** After a write to the keychain's `entry`: the file copy, and the entry of another place (another API's, or a moved session's). */
  async function removeOldCopies(from: Place, entry: string): Promise<void> {
    if (lstatOf(paths.auth)) {
      try {
        removeFile(paths.auth)
      } catch (error) {
        warnOnce(`The credentials are now in the ${requireKeychain().name}, but the old copy ${paths.auth} could not be removed (${errorCode(error) ?? String(error)}): delete it yourself.`)
      }
    }
    if (from.backend === 'keychain' && from.entry !== entry) await removeKeychainEntry(from.entry)
  }

  /** Never fails the command: what cannot be removed is said, with how to remove it. */
  async function removeKeychainEntry(entry: string | undefined): Promise<void> {
    if (!entry || !keychain) return
    try {
      if (!(await keychain.delete(entry))) deps.warn(entryLeftBehind(keychain, entry, 'the keychain had no such entry to remove: it may be locked, or it was removed already'))
    } catch (error) {
      deps.warn(entryLeftBehind(keychain, entry, error instanceof Error ? error.message : String(error)))
    }
  }

  function write(docs: [JsonDocument, Doc][]) {
    ensureHome(deps.home, warnOnce)
    writeAll(docs)
    fsyncFolder(deps.home)
  }

  return {
    paths,
    credentialMode: mode,
    keychain,
    withCredentialMode: (next) => storeWithMode(deps, deps.keychain ? next : 'file', shared),
    credentialsPlace: () => publicPlace(placeOf(config.read())),
    credentialsPlaceIn: (current) => publicPlace(placeOf(current)),
    readConfig: () => {
      const raw = config.read()
      return raw && (withValidFields(raw, paths.config, warnOnce) as ConfigFile)
    },
    prefetchSecrets() {
      const place = placeOf(config.read())
      if (place.backend !== 'keychain' || !place.entry || !keychain) return
      const text = keychain.get(place.entry)
      text.catch(() => {}) // its failure is met, and reported, where the command reads it
      shared.prefetched = { entry: place.entry, text }
    },
    readAuth: async (place) => (await readSecrets(place ? { backend: place.backend, entry: place.entry?.name } : placeOf(config.read()))) as AuthFile | undefined,
    writeConfig(patch) {
      const next = merged(config.read(), patch)
      write([[config, next]])
      return next as ConfigFile
    },
    async writeAuth(patch) {
      const next = merged(await readSecrets(placeOf(config.read())), patch)
      await writeSession(next, undefined, { newSession: false })
      return next as AuthFile
    },
    async patchSession(patch) {
      const nextAuth = merged(await readSecrets(placeOf(config.read())), { ...originsOf(patch.config), ...patch.auth })
      await writeSession(nextAuth, patch.config, { newSession: false })
    },
    async saveSession(session) {
      // The document is replaced whole: stale secrets of an earlier session must not survive.
      const nextAuth = merged(await readSecretsLeniently(placeOf(config.read())), {})
      for (const k of Object.keys(nextAuth)) if (isKnownAuthField(k)) delete nextAuth[k]
      Object.assign(nextAuth, originsOf(session.config), session.auth, { version: SCHEMA_VERSION })
      await writeSession(nextAuth, session.config, { newSession: true })
    },
    async clearSession() {
      const current = config.read()
      const from = placeOf(current)
      // The secret first: a logout that then fails to rewrite config.json has still removed it.
      if (from.backend === 'keychain') await removeKeychainEntry(from.entry)
      if (current) {
        const next: Doc = { ...current, version: SCHEMA_VERSION }
        for (const k of SESSION_CONFIG_FIELDS) delete next[k]
        write([[config, next]])
      }
      authFile.remove()
    },
    async checkWritable() {
      ensureHome(deps.home, warnOnce)
      const probe = tempNameFor(paths.auth)
      try {
        writeNewFile(probe, new Uint8Array(SESSION_ROOM_BYTES))
      } catch (error) {
        throw new StoreError(paths.auth, deps.home, 'write', error)
      } finally {
        removeQuietly(probe)
      }
      if (mode === 'file' || !keychain || shared.keychainFailed) return
      // A write, not a read: a locked keychain asks for its password now, and the person can type
      // it while they approve the login in the browser (a read of an absent entry asks nothing).
      try {
        await keychain.set(PROBE_ENTRY, 'pensar checks that it can save here; nothing secret')
      } catch (error) {
        if (!(error instanceof KeychainUnavailable)) throw error
        if (error.failure === 'timeout') {
          // Most likely waiting for its password: the save tries again, and falls back only then.
          shared.probeLeft = true
          deps.warn(unlockWhileYouApprove(keychain, error, mode === 'keychain' ? undefined : paths.auth))
          return
        }
        if (mode === 'keychain') throw keychainWriteError(keychain, error, { before: true })
        // `auto`: said now, before a code is shown, rather than after the person approved.
        shared.keychainFailed = true
        deps.warn(fallbackNotice(keychain, error, paths.auth))
        return
      }
      await keychain.delete(PROBE_ENTRY).catch(() => false)
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

/** config.json after a write of the session: the patch, where the secrets are, and (keychain) the copy `status --offline` reads. */
function configFor(current: Doc | undefined, patch: Doc | undefined, backend: CredentialBackend, auth: Doc): Doc {
  const next = merged(current, { ...patch, version: SCHEMA_VERSION, credentialStore: backend })
  for (const k of SUMMARY_FIELDS) delete next[k]
  if (backend === 'keychain') {
    const token = typeof auth.accessToken === 'string' ? accessTokenExpiresAt(auth.accessToken) : null
    const expiresAt = token ?? (typeof auth.expiresAt === 'number' ? auth.expiresAt : undefined)
    if (expiresAt !== undefined) next.expiresAt = expiresAt
    if (typeof auth.sessionExpiredAt === 'number') next.sessionExpiredAt = auth.sessionExpiredAt
  }
  return next
}

/** `patch` over `current` at this schema version; a field the patch sets to `undefined` is deleted. */
function merged(current: Doc | undefined, patch: Doc): Doc {
  const next: Doc = { ...current, ...patch, version: SCHEMA_VERSION }
  for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k]
  return next
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
  credentialStore: { valid: (v) => v === 'keychain' || v === 'file', expected: '"keychain" or "file"' },
  expiresAt: { valid: (v) => typeof v === 'number' && Number.isFinite(v), expected: 'a number' },
  sessionExpiredAt: { valid: (v) => typeof v === 'number' && Number.isFinite(v), expected: 'a number' },
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
    if (pid !== undefined && pid !== process.pid && isProcessAlive(pid) && Date.now() - info.mtimeMs < LOCK_STALE_AFTER_MS) continue
    if (match[1] === 'auth' && pid !== undefined && info.isFile) {
      const parsed = parseJsonObject(readRegularFile(path, MAX_FILE_BYTES) ?? '')
      if (parsed) found.push(parsed)
    }
    removeQuietly(path)
  }
  return found
}
