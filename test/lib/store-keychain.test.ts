// The store with an OS keychain behind it (a fake Bun.secrets, test/helpers/fake-keychain.ts): where
// a write puts the secrets in each credential mode, what a read says when the keychain cannot
// answer, and that a session moving between the file and the keychain is never lost halfway.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CredentialMode } from '../../src/lib/credential-mode'
import { KeychainError } from '../../src/lib/keychain-errors'
import { createStore, type Store } from '../../src/lib/store'
import { fakeKeychain, FakeSecrets } from '../helpers/fake-keychain'

const API = 'https://api.test.pensar'
let root: string
let home: string
let warnings: string[]
let secrets: FakeSecrets

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pensar-store-keychain-'))
  home = join(root, '.pensar')
  warnings = []
  secrets = new FakeSecrets()
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function storeWith(mode: CredentialMode, timeoutMs = 50): Store {
  return createStore({ home, now: () => Date.parse('2026-01-01T00:00:00Z'), warn: (m) => warnings.push(m), keychain: fakeKeychain(secrets, timeoutMs).keychain, credentialMode: mode })
}

const ENTRY = () => `session ${API} ${home}`
const session = {
  config: { apiUrl: API, authType: 'workos' as const, workspace: { id: 'ws_1', name: 'A', slug: 'a' } },
  auth: { authType: 'workos' as const, accessToken: 'at_secret_0123456789', refreshToken: 'rt_secret_0123456789', signingKey: 'sk_secret_0123456789', expiresAt: 1_800_000_000_000 },
}
const config = () => JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'))
const authFileExists = () => existsSync(join(home, 'auth.json'))
const notices = () => warnings.filter((w) => w.includes('PENSAR_CREDENTIAL_STORE=file to choose the file'))

describe('auto, with a keychain that answers', () => {
  test('a new session goes to the keychain, whole, with its addresses; config.json says so and holds no secret', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    expect(secrets.sessions()[ENTRY()]).toEqual({ version: 1, apiUrl: API, ...session.auth })
    expect(authFileExists()).toBe(false)
    const text = readFileSync(join(home, 'config.json'), 'utf8')
    for (const secret of ['at_secret', 'rt_secret', 'sk_secret']) expect(text).not.toContain(secret)
    expect(config()).toMatchObject({ credentialStore: 'keychain', expiresAt: session.auth.expiresAt })
    expect(await store.readAuth()).toMatchObject(session.auth)
    expect(store.credentialsPlace()).toEqual({ backend: 'keychain', location: 'OS keychain (Secret Service)', entry: { service: 'dev.pensar.apex', name: ENTRY() } })
    expect(warnings).toEqual([])
  })

  test('a renewal rewrites the entry and the expiry copy in config.json; an ended session is recorded there too', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    await store.writeAuth({ accessToken: 'at_new', refreshToken: 'rt_new', expiresAt: 1_900_000_000_000 })
    expect(secrets.sessions()[ENTRY()]).toMatchObject({ accessToken: 'at_new', refreshToken: 'rt_new', signingKey: session.auth.signingKey })
    expect(config().expiresAt).toBe(1_900_000_000_000)
    // As the refresh flow ends a session (invalid_grant): tokens and expiry go, the end is marked.
    await store.writeAuth({ accessToken: undefined, refreshToken: undefined, expiresAt: undefined, sessionExpiredAt: 1_950_000_000_000 })
    expect(config()).toMatchObject({ sessionExpiredAt: 1_950_000_000_000 })
    expect(config()).not.toHaveProperty('expiresAt')
  })

  test('clearSession removes the entry and any file copy, and what config.json said about them', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    writeFileSync(join(home, 'auth.json'), '{"refreshToken":"a stray copy"}', { mode: 0o600 })
    await store.clearSession()
    expect(secrets.entries.size).toBe(0)
    expect(authFileExists()).toBe(false)
    expect(config()).toEqual({ version: 1, apiUrl: API })
    expect(await store.readAuth()).toBeUndefined()
  })
})

describe('a keychain that cannot answer a read', () => {
  test('locked (Secret Service answers nothing): the session is not logged in here, and the message says locked or removed (exit 4)', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    secrets.state = 'locked'
    const error = (await store.readAuth().catch((e: unknown) => e)) as KeychainError
    expect(error).toBeInstanceOf(KeychainError)
    expect(error).toMatchObject({ code: 'keychain_entry_missing', exitCode: 4 })
    expect(error.message).toBe(`The session's credentials are not in the OS keychain (Secret Service): it is locked (a locked Secret Service answers as if the entry were not there), or its entry "${ENTRY()}" was removed.`)
    expect(error.hint).toContain('`pensar doctor` tells which')
  })

  test('the deadline passed: exit 4, and how to give yourself time to type the password', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    secrets.state = 'hang'
    const error = (await store.readAuth().catch((e: unknown) => e)) as KeychainError
    expect(error).toMatchObject({ code: 'keychain_timeout', exitCode: 4, message: "The session's credentials are in the OS keychain (Secret Service), which did not answer within 0.05 s." })
    expect(error.hint).toContain('PENSAR_KEYCHAIN_TIMEOUT=30')
  })

  test('no keychain here (an SSH session without the desktop bus): exit 4, and where to run it', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    secrets.state = 'unavailable'
    const error = (await store.readAuth().catch((e: unknown) => e)) as KeychainError
    expect(error).toMatchObject({ code: 'keychain_unavailable', exitCode: 4, message: "The session's credentials are in the OS keychain (Secret Service), which is not available (Cannot autolaunch D-Bus without X11 $DISPLAY)." })
  })

  test('a new login replaces a session it cannot read', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    secrets.state = 'locked'
    await store.saveSession({ ...session, auth: { ...session.auth, refreshToken: 'rt_second' } })
    expect(authFileExists()).toBe(true)
    expect(JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8')).refreshToken).toBe('rt_second')
    expect(config().credentialStore).toBe('file')
  })
})

describe('auto falls back to the file, and says so once', () => {
  test('no keychain: the file (0600), one notice for several writes, and later writes do not try the keychain again', async () => {
    secrets.state = 'unavailable'
    const store = storeWith('auto')
    await store.saveSession(session)
    await store.writeAuth({ accessToken: 'at_2' })
    await store.patchSession({ config: { workspace: { id: 'ws_2', name: 'B', slug: 'b' } }, auth: { signingKey: 'sk_2' } })
    expect(notices()).toEqual([`The OS keychain (Secret Service) is not available (Cannot autolaunch D-Bus without X11 $DISPLAY), so pensar keeps the credentials in ${join(home, 'auth.json')} (0600). Set PENSAR_CREDENTIAL_STORE=file to choose the file (and not see this again), or PENSAR_CREDENTIAL_STORE=keychain to require the keychain.`])
    expect(secrets.calls.filter((c) => c.startsWith('set'))).toHaveLength(1)
    expect(statSync(join(home, 'auth.json')).mode & 0o777).toBe(0o600)
    expect(config().credentialStore).toBe('file')
    // Another process later: the session stays in the file, without another attempt or notice.
    const later = storeWith('auto')
    secrets.calls.length = 0
    await later.writeAuth({ accessToken: 'at_3' })
    expect(secrets.calls).toEqual([])
    expect(notices()).toHaveLength(1)
  })

  test("the login's check says it before any code is shown, and the save does not try again", async () => {
    secrets.state = 'unavailable'
    const store = storeWith('auto')
    await store.checkWritable()
    expect(notices()).toEqual([expect.stringContaining('is not available (Cannot autolaunch D-Bus without X11 $DISPLAY)')])
    await store.saveSession(session)
    expect(secrets.calls).toEqual(['set pensar reachability check'])
    expect(notices()).toHaveLength(1)
    expect(authFileExists()).toBe(true)
  })

  test("the login's check writes (a locked keychain asks for its password then) and leaves nothing behind", async () => {
    const store = storeWith('auto')
    await store.checkWritable()
    expect(secrets.calls).toEqual(['set pensar reachability check', 'delete pensar reachability check'])
    expect(secrets.entries.size).toBe(0)
    expect(warnings).toEqual([])
  })

  test("a check past its deadline (a password prompt, perhaps) decides nothing: the save tries again, and falls back only if it must", async () => {
    secrets.state = 'hang'
    const store = storeWith('auto')
    await store.checkWritable()
    expect(warnings).toEqual([`The OS keychain (Secret Service) did not answer within 0.05 s; it may be asking for its password. Unlock it while you approve the login and the credentials go there; else pensar keeps them in ${join(home, 'auth.json')} (0600).`])
    expect(notices()).toEqual([])
    await store.saveSession(session)
    expect(notices()).toEqual([expect.stringContaining('did not answer within 0.05 s, so pensar keeps the credentials in')])
    expect(authFileExists()).toBe(true)
  })

  test('unlocked while the person approved: the session goes to the keychain, and the late probe entry is removed', async () => {
    secrets.state = 'hang'
    const store = storeWith('auto')
    await store.checkWritable()
    secrets.state = 'ok'
    secrets.entries.set('dev.pensar.apex/pensar reachability check', 'landed once the keychain was unlocked')
    await store.saveSession(session)
    expect(Object.keys(secrets.sessions())).toEqual([ENTRY()])
    expect(authFileExists()).toBe(false)
    expect(notices()).toEqual([])
  })

  test('a keyring locked between the read and the write (after a renewal): the renewal is kept in the file, and the old entry deleted', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    secrets.writes = 'locked'
    await store.writeAuth({ accessToken: 'at_renewed', refreshToken: 'rt_renewed' })
    expect(JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'))).toMatchObject({ refreshToken: 'rt_renewed', signingKey: session.auth.signingKey, apiUrl: API })
    expect(config().credentialStore).toBe('file')
    expect(await storeWith('auto').readAuth()).toMatchObject({ refreshToken: 'rt_renewed' })
    expect(notices()).toEqual([expect.stringContaining('is locked, so pensar keeps the credentials in')])
    expect(secrets.entries.size).toBe(0)
  })
})

describe('keychain: the keychain or an error, never a file', () => {
  test('no keychain: a login is refused before it starts, and a save writes nothing (exit 1)', async () => {
    secrets.state = 'unavailable'
    const store = storeWith('keychain')
    const check = (await store.checkWritable().catch((e: unknown) => e)) as KeychainError
    expect(check).toMatchObject({ code: 'keychain_unavailable', exitCode: 1, message: 'The credential store is set to keychain, but the OS keychain (Secret Service) is not available (Cannot autolaunch D-Bus without X11 $DISPLAY).' })
    const save = (await store.saveSession(session).catch((e: unknown) => e)) as KeychainError
    expect(save.message).toEndWith('Nothing was saved.')
    expect(save.hint).toContain('PENSAR_CREDENTIAL_STORE=auto')
    expect(authFileExists()).toBe(false)
    expect(existsSync(join(home, 'config.json'))).toBe(false)
    expect(warnings).toEqual([])
  })

  test('a session still in the file whose renewal the keychain refuses stays in the file, said once; a new login is refused', async () => {
    secrets.state = 'unavailable'
    await storeWith('file').saveSession(session)
    const store = storeWith('keychain')
    await store.writeAuth({ refreshToken: 'rt_renewed' })
    expect(JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8')).refreshToken).toBe('rt_renewed')
    expect(warnings).toEqual([`The session could not move to the OS keychain (Secret Service), which is not available (Cannot autolaunch D-Bus without X11 $DISPLAY); it stays in ${join(home, 'auth.json')} (0600) until the keychain takes it at a later save.`])
    await store.writeAuth({ refreshToken: 'rt_again' })
    expect(warnings).toHaveLength(1)
    expect(await store.saveSession(session).catch((e: KeychainError) => e.code)).toBe('keychain_unavailable')
  })

  test('a write that fails after a good read leaves the stored session exactly as it was', async () => {
    const store = storeWith('keychain')
    await store.saveSession(session)
    const before = { entry: secrets.entries.get(`dev.pensar.apex/${ENTRY()}`), config: readFileSync(join(home, 'config.json'), 'utf8') }
    secrets.writes = 'locked'
    expect(await store.readAuth()).toMatchObject({ refreshToken: session.auth.refreshToken })
    const error = (await store.writeAuth({ refreshToken: 'rt_lost' }).catch((e: unknown) => e)) as KeychainError
    expect(error).toMatchObject({ code: 'keychain_locked', exitCode: 1 })
    expect(secrets.entries.get(`dev.pensar.apex/${ENTRY()}`)).toBe(before.entry)
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe(before.config)
    expect(authFileExists()).toBe(false)
  })
})

describe('moving between the file and the keychain', () => {
  /** A session as a pensar from before the keychain left it: auth.json, and nothing in config.json about where. */
  function legacySession() {
    mkdirSync(home, { recursive: true, mode: 0o700 })
    writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, ...session.config }), { mode: 0o600 })
    writeFileSync(join(home, 'auth.json'), JSON.stringify({ version: 1, apiUrl: API, ...session.auth }), { mode: 0o600 })
  }

  test('auto finds an older auth.json, and its next write moves it into the keychain, then removes the file', async () => {
    legacySession()
    const store = storeWith('auto')
    expect(await store.readAuth()).toMatchObject({ refreshToken: session.auth.refreshToken })
    expect(secrets.calls).toEqual([])
    await store.writeAuth({ accessToken: 'at_renewed', refreshToken: 'rt_renewed' })
    expect(secrets.sessions()[ENTRY()]).toMatchObject({ refreshToken: 'rt_renewed', signingKey: session.auth.signingKey, apiUrl: API })
    expect(authFileExists()).toBe(false)
    expect(config().credentialStore).toBe('keychain')
  })

  test('halfway, before config.json said so (the keychain written, the process killed): the file is still the session, and the next write finishes the move', async () => {
    legacySession()
    secrets.entries.set(`dev.pensar.apex/${ENTRY()}`, JSON.stringify({ version: 1, apiUrl: API, ...session.auth, refreshToken: 'rt_half' }))
    const store = storeWith('auto')
    expect((await store.readAuth())?.refreshToken).toBe(session.auth.refreshToken)
    await store.writeAuth({ refreshToken: 'rt_next' })
    expect(secrets.sessions()[ENTRY()]?.refreshToken).toBe('rt_next')
    expect(authFileExists()).toBe(false)
  })

  test('halfway, after config.json said so (the old file not yet removed): the keychain is the session, the stray file goes at the next write', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    writeFileSync(join(home, 'auth.json'), JSON.stringify({ version: 1, ...session.auth, refreshToken: 'rt_stale' }), { mode: 0o600 })
    expect((await store.readAuth())?.refreshToken).toBe(session.auth.refreshToken)
    await store.writeAuth({ accessToken: 'at_2' })
    expect(authFileExists()).toBe(false)
  })

  test('a session auto kept in the file stays there until the next login, which tries the keychain again', async () => {
    secrets.state = 'unavailable'
    await storeWith('auto').saveSession(session)
    secrets.state = 'ok'
    const store = storeWith('auto')
    await store.writeAuth({ accessToken: 'at_2' })
    expect(authFileExists()).toBe(true)
    expect(secrets.calls.filter((c) => c.startsWith('set'))).toHaveLength(1)
    await store.saveSession(session)
    expect(authFileExists()).toBe(false)
    expect(Object.keys(secrets.sessions())).toEqual([ENTRY()])
  })

  test('file: a keychain session is found, and its next write moves it into auth.json and deletes the entry', async () => {
    await storeWith('keychain').saveSession(session)
    const store = storeWith('file')
    expect(store.credentialsPlace().backend).toBe('keychain')
    await store.patchSession({ config: { workspace: { id: 'ws_2', name: 'B', slug: 'b' } }, auth: { signingKey: 'sk_2' } })
    expect(JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'))).toMatchObject({ refreshToken: session.auth.refreshToken, signingKey: 'sk_2' })
    expect(secrets.entries.size).toBe(0)
    expect(config()).toMatchObject({ credentialStore: 'file', workspace: { id: 'ws_2' } })
    expect(config()).not.toHaveProperty('expiresAt')
  })

  test('a login to another Console under the same PENSAR_HOME: a new entry, and the old one removed once config.json points at the new', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    const other = 'https://other.test.pensar'
    await store.saveSession({ config: { ...session.config, apiUrl: other }, auth: { ...session.auth, refreshToken: 'rt_other' } })
    expect(Object.keys(secrets.sessions())).toEqual([`session ${other} ${home}`])
  })

  test('an entry that cannot be deleted is said, with the command that removes it', async () => {
    const store = storeWith('auto')
    await store.saveSession(session)
    secrets.state = 'locked'
    await store.clearSession()
    expect(warnings).toEqual([`The OS keychain (Secret Service) entry "${ENTRY()}" could not be removed (the keychain had no such entry to remove: it may be locked, or it was removed already). Once it is unlocked, remove it yourself with \`secret-tool clear service dev.pensar.apex account '${ENTRY()}'\``])
    expect(config()).not.toHaveProperty('credentialStore')
  })
})

describe('prefetchSecrets', () => {
  test('the early read serves the first read of the entry, once; the next asks the keychain again', async () => {
    await storeWith('auto').saveSession(session)
    const store = storeWith('auto')
    secrets.calls.length = 0
    store.prefetchSecrets()
    expect(secrets.calls).toEqual([`get ${ENTRY()}`])
    expect(await store.readAuth()).toMatchObject(session.auth)
    expect(secrets.calls).toEqual([`get ${ENTRY()}`])
    expect(await store.readAuth()).toMatchObject(session.auth)
    expect(secrets.calls).toEqual([`get ${ENTRY()}`, `get ${ENTRY()}`])
  })

  test('a keychain that fails the early read fails it where the command reads, with the usual error', async () => {
    await storeWith('auto').saveSession(session)
    const store = storeWith('auto')
    secrets.state = 'unavailable'
    store.prefetchSecrets()
    expect(await store.readAuth().catch((e) => e)).toBeInstanceOf(KeychainError)
  })

  test('with the session in the file, nothing is asked of the keychain', async () => {
    await storeWith('file').saveSession(session)
    const store = storeWith('auto')
    secrets.calls.length = 0
    store.prefetchSecrets()
    expect(secrets.calls).toEqual([])
    expect(await store.readAuth()).toMatchObject(session.auth)
  })
})
