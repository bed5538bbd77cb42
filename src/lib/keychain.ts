// The operating system's credential store (macOS Keychain, Windows Credential Manager, a Secret
// Service such as gnome-keyring or KeePassXC on Linux) through Bun.secrets, with a deadline on
// every call (docs/cli-reference.md, "Where secrets are kept"). What it does when something is
// wrong, as measured with gnome-keyring 42:
// - no Secret Service, or no D-Bus session (CI, SSH, containers): every call throws at once
//   (`ERR_SECRETS_PLATFORM_ERROR`, "Cannot autolaunch D-Bus without X11 $DISPLAY");
// - a locked keyring with nobody to type its password: `get` answers null as if the entry did
//   not exist, `delete` answers false, `set` throws "Cannot create an item in a locked collection";
// - a locked keyring whose unlock prompt nobody answers, or a Secret Service the bus starts but
//   that never comes up: the call blocks (until the bus gives up, 120 s on Debian, or forever).
//   Hence the deadline (3 s, PENSAR_KEYCHAIN_TIMEOUT): the call is left running and the command
//   goes on without it.
// Bun.secrets itself is touched only when a call is made, so importing this module costs nothing.
import { clause } from './errors'

/** Apex's service name: its own entries (`workos-refresh-token`) sit beside pensar's. */
export const KEYCHAIN_SERVICE = 'dev.pensar.apex'
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 3_000

/** The part of Bun.secrets pensar uses (tests pass a fake). */
export interface SecretsApi {
  get(options: { service: string; name: string }): Promise<string | null>
  set(options: { service: string; name: string; value: string; persist?: 'local' | 'enterprise' }): Promise<void>
  delete(options: { service: string; name: string }): Promise<boolean>
}

export type KeychainFailure = 'unavailable' | 'locked' | 'timeout'

/** The keychain refused a call or did not answer in time; `detail` is its own words (or the deadline). */
export class KeychainUnavailable extends Error {
  constructor(
    readonly failure: KeychainFailure,
    readonly detail: string,
  ) {
    super(detail)
    this.name = 'KeychainUnavailable'
  }
}

export interface Keychain {
  /** For people: "OS keychain (Secret Service)". */
  readonly name: string
  readonly timeoutMs: number
  /** The entry's value; null when there is none, or (Secret Service) when the keyring is locked. */
  get(entry: string): Promise<string | null>
  set(entry: string, value: string): Promise<void>
  /** False when there was nothing to delete, or (Secret Service) when the keyring is locked. */
  delete(entry: string): Promise<boolean>
}

export interface KeychainOptions {
  secrets?: SecretsApi
  timeoutMs?: number
  platform?: string
}

export function createKeychain(opts: KeychainOptions = {}): Keychain {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS
  const secrets = () => opts.secrets ?? (Bun.secrets as SecretsApi)
  const call = <T>(work: () => Promise<T>) => withDeadline(work, timeoutMs)
  return {
    name: keychainName(opts.platform ?? process.platform),
    timeoutMs,
    get: (entry) => call(() => secrets().get({ service: KEYCHAIN_SERVICE, name: entry })),
    // `local`: on Windows the entry stays on this computer instead of roaming with the profile; a
    // refresh token belongs to one device (it rotates on use). Ignored elsewhere.
    set: (entry, value) => call(() => secrets().set({ service: KEYCHAIN_SERVICE, name: entry, value, persist: 'local' })),
    delete: (entry) => call(() => secrets().delete({ service: KEYCHAIN_SERVICE, name: entry })),
  }
}

/** "OS keychain (Secret Service)", as `status` shows where the credentials are. */
export function keychainName(platform: string): string {
  const kind = platform === 'darwin' ? 'macOS Keychain' : platform === 'win32' ? 'Windows Credential Manager' : 'Secret Service'
  return `OS keychain (${kind})`
}

/**
 * The entry of the session stored under `home` for the Console at `apiUrl`: two PENSAR_HOMEs or
 * two Consoles never share one, and a copied PENSAR_HOME does not reach the original's session
 * (a refresh in one would spend the other's refresh token). Readable in the keychain's own tools
 * (`secret-tool search service dev.pensar.apex`); hashed when that would be long.
 */
export function sessionEntryName(apiUrl: string, home: string): string {
  const name = `session ${apiUrl} ${home}`
  if (name.length <= 200) return name
  return `session ${new Bun.CryptoHasher('sha256').update(`${apiUrl}\n${home}`).digest('hex').slice(0, 40)}`
}

/** PENSAR_KEYCHAIN_TIMEOUT in seconds (a person typing a keyring password needs more than 3 s); undefined when unset or not a positive number. */
export function keychainTimeoutFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const seconds = Number(value)
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined
}

/**
 * Runs `work` against the deadline. A call past its deadline keeps running in Bun's thread pool;
 * nothing waits for it, and the process may exit. Ctrl-C does not cut a call short: the deadline
 * bounds the wait, and a write after a token renewal must be allowed to finish.
 */
function withDeadline<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new KeychainUnavailable('timeout', `it did not answer within ${timeoutMs / 1000} s`)), timeoutMs)
    const settle = (finish: () => void) => {
      clearTimeout(timer)
      finish()
    }
    let running: Promise<T>
    try {
      running = work()
    } catch (error) {
      return settle(() => reject(classify(error)))
    }
    running.then(
      (value) => settle(() => resolve(value)),
      (error) => settle(() => reject(classify(error))),
    )
  })
}

/** Bun's errors, in pensar's terms: a locked keyring, or none to be had. */
function classify(error: unknown): KeychainUnavailable {
  // A clause (lib/errors.ts): messages quote it in parentheses or after a colon.
  const detail = clause((error instanceof Error ? error.message : String(error)).replace(/\s*\(code: -?\d+\)$/, ''))
  return new KeychainUnavailable(/\blocked\b/i.test(detail) ? 'locked' : 'unavailable', detail)
}
