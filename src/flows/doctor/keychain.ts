// `pensar doctor`, the OS keychain: does it answer within its deadline, is it locked, and is the
// session's entry there when config.json says it is. A Secret Service answers a locked keyring's
// read with nothing, exactly as a missing entry (or, with no session in it, as a keyring a login
// could save to): to tell them apart, a probe entry is written and at once deleted (the only
// thing doctor ever writes; a locked keyring refuses the write).
import type { Context } from '../../context'
import { KeychainUnavailable, type Keychain } from '../../lib/keychain'
import { lstatOf } from '../../lib/home-files'
import type { ConfigFile, CredentialsPlace } from '../../lib/store'
import { fail, ok, warn, type CheckResult } from './check'

const PROBE_ENTRY = 'pensar doctor probe'

export interface KeychainProbe {
  result: CheckResult
  /** The session's secrets are in the keychain and could not be read: the session check has nothing to read. */
  sessionUnreadable: boolean
}

type Answer = { kind: 'found' | 'absent'; ms: number } | { kind: 'failed'; error: KeychainUnavailable; ms: number }

/**
 * `config`: config.json as the files check parsed it, undefined when absent or damaged. Never read
 * through the store here: it would move a damaged file aside (and warn of a wrong-typed field),
 * and doctor changes nothing.
 */
export async function checkKeychain(ctx: Context, config: Record<string, unknown> | undefined): Promise<KeychainProbe> {
  const place = ctx.store.credentialsPlaceIn(config as ConfigFile | undefined)
  const mode = ctx.store.credentialMode
  const keychain = ctx.store.keychain
  const inKeychain = place.backend === 'keychain'
  if (!keychain || (mode === 'file' && !inKeychain)) {
    const why = keychain ? 'PENSAR_CREDENTIAL_STORE=file keeps' : 'this pensar keeps'
    return { result: ok('keychain', `Not used: ${why} the credentials in ${ctx.store.paths.auth} (0600).`), sessionUnreadable: false }
  }
  const entry = inKeychain ? place.entry?.name : undefined
  if (inKeychain && !entry) return { result: fail('keychain', `${ctx.store.paths.config} says the credentials are in the ${keychain.name} but names no valid apiUrl, so the entry is unknown.`, 'Run `pensar login`.'), sessionUnreadable: true }
  let answer = await ask(keychain, entry ?? PROBE_ENTRY)
  // With no session there too: a locked keyring reads as empty, and a login could not save to it.
  if (answer.kind === 'absent') answer = await lockedOrMissing(keychain, answer)
  if (answer.kind === 'failed') return { result: unusable(ctx, keychain, answer.error, inKeychain), sessionUnreadable: inKeychain }
  if (answer.kind === 'absent' && entry) {
    return { result: fail('keychain', `The ${keychain.name} answers and is unlocked, but the session's entry "${entry}" is not in it (perhaps removed by hand).`, 'Run `pensar login` to log in again.'), sessionUnreadable: true }
  }
  return { result: usable(ctx, keychain, answer.ms, entry, { place, recorded: config?.credentialStore }), sessionUnreadable: false }
}

async function ask(keychain: Keychain, entry: string): Promise<Answer> {
  const started = performance.now()
  const ms = () => Math.round(performance.now() - started)
  try {
    return { kind: (await keychain.get(entry)) === null ? 'absent' : 'found', ms: ms() }
  } catch (error) {
    if (!(error instanceof KeychainUnavailable)) throw error
    return { kind: 'failed', error, ms: ms() }
  }
}

/** An entry that reads as absent: a Secret Service says so of a locked keyring too. A write tells. */
async function lockedOrMissing(keychain: Keychain, absent: Answer): Promise<Answer> {
  if (!keychain.name.includes('Secret Service')) return absent
  try {
    await keychain.set(PROBE_ENTRY, 'probe')
  } catch (error) {
    if (!(error instanceof KeychainUnavailable)) throw error
    return { kind: 'failed', error, ms: absent.ms }
  }
  await keychain.delete(PROBE_ENTRY).catch(() => false)
  return absent
}

function unusable(ctx: Context, keychain: Keychain, error: KeychainUnavailable, inKeychain: boolean): CheckResult {
  const what =
    error.failure === 'locked' ? `The ${keychain.name} is locked` : error.failure === 'timeout' ? `The ${keychain.name} did not answer within ${keychain.timeoutMs / 1000} s (a locked keychain waiting for its password, or a keyring daemon that hangs)` : `The ${keychain.name} is not available (${error.detail})`
  const fix =
    error.failure === 'unavailable'
      ? 'On Linux run a Secret Service (gnome-keyring, KeePassXC) in your D-Bus session; over SSH or in a container there is usually none.'
      : `Unlock it (log in to the desktop, or open its keyring manager)${error.failure === 'timeout' ? '; PENSAR_KEYCHAIN_TIMEOUT=30 gives you 30 s to type its password' : ''}.`
  if (inKeychain) return fail('keychain', `${what}, so the session stored there cannot be read.`, `${fix} Or run \`pensar login\` to log in again here.`)
  if (ctx.store.credentialMode === 'keychain') return fail('keychain', `${what}, and PENSAR_CREDENTIAL_STORE=keychain allows no other place: a login would fail.`, `${fix} Or set PENSAR_CREDENTIAL_STORE=auto (a 0600 file when there is no keychain).`)
  return warn('keychain', `${what}: a login is kept in ${ctx.store.paths.auth} (0600) instead, with a one-line notice.`, `${fix} Or set PENSAR_CREDENTIAL_STORE=file to make the file the choice.`)
}

function usable(ctx: Context, keychain: Keychain, ms: number, entry: string | undefined, { place, recorded }: { place: CredentialsPlace; recorded: unknown }): CheckResult {
  if (entry) {
    const stray = lstatOf(ctx.store.paths.auth)
    if (stray) return warn('keychain', `The session's secrets are in the ${keychain.name} (entry "${entry}", answered in ${ms} ms), but an old copy is left in ${ctx.store.paths.auth}.`, `pensar removes it at the next save; to remove it now, run \`rm ${ctx.store.paths.auth}\`.`)
    return ok('keychain', `The session's secrets are in the ${keychain.name} (entry "${entry}"), which answered in ${ms} ms.`)
  }
  const stored = place.backend === 'file' && lstatOf(ctx.store.paths.auth)
  // As the store decides at the next save: only a session recorded as kept in the file stays there.
  const where = !stored ? 'a login keeps its secrets there' : ctx.store.credentialMode === 'keychain' || recorded !== 'file' ? `the session in ${ctx.store.paths.auth} moves there at its next save` : `this session stays in ${ctx.store.paths.auth} until the next login, which uses the keychain`
  return ok('keychain', `The ${keychain.name} answered in ${ms} ms; ${where}.`)
}
