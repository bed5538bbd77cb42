// What pensar tells a person when the OS keychain cannot be used (lib/keychain.ts says how each
// case looks): a read that fails leaves the command not logged in (exit 4, as an unreadable
// auth.json does), a write that must go to the keychain and cannot is an error (exit 1) that
// keeps what is stored, and `auto`'s fall back to the file is one line saying why and how to
// choose (docs/cli-reference.md, "Where secrets are kept").
import { clause, EXIT, PensarError } from './errors'
import { KEYCHAIN_SERVICE, type Keychain, type KeychainUnavailable } from './keychain'
import { shellQuote } from './shell-quote'

export class KeychainError extends PensarError {}

/** "is not available (…)", "is locked", "did not answer within 3 s". */
function problemOf(error: KeychainUnavailable): string {
  if (error.failure === 'locked') return 'is locked'
  if (error.failure === 'timeout') return error.detail.replace(/^it /, '')
  return `is not available (${error.detail})`
}

const codeOf = (error: KeychainUnavailable) => `keychain_${error.failure}`

function whatToDo(error: KeychainUnavailable, otherwise: string): string {
  if (error.failure === 'locked') return `Unlock it and try again, ${otherwise}.`
  if (error.failure === 'timeout') return `Unlock it (it may be waiting for its password; PENSAR_KEYCHAIN_TIMEOUT=30 gives you 30 s to type it) and try again, ${otherwise}.`
  return `Run pensar where a keychain is available (on Linux a Secret Service such as gnome-keyring in your D-Bus session), ${otherwise}.`
}

/** Reading the session from the keychain failed: not logged in here (exit 4). */
export function keychainReadError(keychain: Keychain, error: KeychainUnavailable): KeychainError {
  return new KeychainError(`The session's credentials are in the ${keychain.name}, which ${problemOf(error)}.`, {
    code: codeOf(error),
    hint: whatToDo(error, 'or run `pensar login` to log in again here (without a keychain the login is kept in a 0600 file)'),
    exitCode: EXIT.auth,
    cause: error,
  })
}

/** config.json says the keychain holds the session, and it answers with nothing. */
export function keychainEntryMissing(keychain: Keychain, entry: string): KeychainError {
  return new KeychainError(`The session's credentials are not in the ${keychain.name}: it is locked (a locked Secret Service answers as if the entry were not there), or its entry "${entry}" was removed.`, {
    code: 'keychain_entry_missing',
    hint: 'Unlock the keychain and try again (`pensar doctor` tells which it is); if it is unlocked, run `pensar login`.',
    exitCode: EXIT.auth,
  })
}

/** The credential store is `keychain` and the keychain cannot take the secrets: nothing is saved (exit 1). `before`: found before anything was to be saved (login's check). */
export function keychainWriteError(keychain: Keychain, error: KeychainUnavailable, opts: { before?: boolean } = {}): KeychainError {
  return new KeychainError(`The credential store is set to keychain, but the ${keychain.name} ${problemOf(error)}.${opts.before ? '' : ' Nothing was saved.'}`, {
    code: codeOf(error),
    hint: whatToDo(error, 'or set PENSAR_CREDENTIAL_STORE=auto to fall back to a 0600 file'),
    exitCode: EXIT.error,
    cause: error,
  })
}

/** `auto` keeps the secrets in the file: the one line that says so. */
export function fallbackNotice(keychain: Keychain, error: KeychainUnavailable, authPath: string): string {
  return `The ${keychain.name} ${problemOf(error)}, so pensar keeps the credentials in ${authPath} (0600). Set PENSAR_CREDENTIAL_STORE=file to choose the file (and not see this again), or PENSAR_CREDENTIAL_STORE=keychain to require the keychain.`
}

/** The login's check timed out: likely a password prompt, which the person can answer while approving. */
export function unlockWhileYouApprove(keychain: Keychain, error: KeychainUnavailable, authPath: string | undefined): string {
  const otherwise = authPath ? `else pensar keeps them in ${authPath} (0600)` : 'else the login is not saved (credential store "keychain")'
  return `The ${keychain.name} ${problemOf(error)}; it may be asking for its password. Unlock it while you approve the login and the credentials go there; ${otherwise}.`
}

/** `keychain`, and a session still in the file whose next write the keychain refused: it stays there, said. */
export function stayedInFile(keychain: Keychain, error: KeychainUnavailable, authPath: string): string {
  return `The session could not move to the ${keychain.name}, which ${problemOf(error)}; it stays in ${authPath} (0600) until the keychain takes it at a later save.`
}

/** An entry pensar could not remove: the person can, with the keychain's own tool (the command last, whole, to be copied; the entry holds PENSAR_HOME, which may hold a quote). */
export function entryLeftBehind(keychain: Keychain, entry: string, why: string): string {
  const lead = `The ${keychain.name} entry "${entry}" could not be removed (${clause(why)}).`
  if (keychain.name.includes('Secret Service')) return `${lead} Once it is unlocked, remove it yourself with \`secret-tool clear service ${KEYCHAIN_SERVICE} account ${shellQuote(entry)}\``
  return `${lead} Once it is unlocked, remove "${KEYCHAIN_SERVICE}" / "${entry}" yourself in ${keychain.name.includes('macOS') ? 'Keychain Access' : 'Credential Manager'}.`
}
