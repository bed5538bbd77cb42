import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StoreError } from '../../src/lib/file-errors'
import { MAX_FILE_BYTES } from '../../src/lib/json-file'
import { createStore, type Store } from '../../src/lib/store'

let root: string
let home: string
let warnings: string[]
let store: Store

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pensar-store-'))
  home = join(root, '.pensar')
  warnings = []
  store = createStore({ home, now: () => Date.parse('2026-01-01T00:00:00Z'), warn: (m) => warnings.push(m) })
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const session = { config: { apiUrl: 'https://api', authType: 'workos' as const, workspace: { id: 'ws_1', name: 'A', slug: 'a' } }, auth: { authType: 'workos' as const, accessToken: 'at', refreshToken: 'rt' } }

describe('store', () => {
  test('reads a missing file as undefined, without warnings', async () => {
    expect(store.readConfig()).toBeUndefined()
    expect(await store.readAuth()).toBeUndefined()
    expect(warnings).toEqual([])
  })

  test('creates the folder 0700 and both files 0600, with a schema version', async () => {
    await store.saveSession(session)
    expect(statSync(home).mode & 0o777).toBe(0o700)
    expect(statSync(store.paths.config).mode & 0o777).toBe(0o600)
    expect(statSync(store.paths.auth).mode & 0o777).toBe(0o600)
    expect(store.readConfig()).toMatchObject({ version: 1, apiUrl: 'https://api' })
    expect(await store.readAuth()).toMatchObject({ version: 1, accessToken: 'at' })
    expect(readdirSync(home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('a folder it did not create keeps its mode (a shared 1777 one too), with one warning; its files are 0600', async () => {
    mkdirSync(home)
    chmodSync(home, 0o1777)
    await store.saveSession(session)
    store.writeConfig({ consoleUrl: 'https://c' })
    expect(statSync(home).mode & 0o7777).toBe(0o1777)
    expect(statSync(store.paths.auth).mode & 0o777).toBe(0o600)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`PENSAR_HOME (${home}) is open to other users (mode 01777)`)
    expect(warnings[0]).toContain(`chmod 700 ${home}`)
  })

  test('an auth.json others can read is replaced by a 0600 one at the next write', async () => {
    await store.saveSession(session)
    chmodSync(store.paths.auth, 0o644)
    await store.writeAuth({ accessToken: 'renewed' })
    expect(statSync(store.paths.auth).mode & 0o777).toBe(0o600)
  })

  test('keeps fields this version does not know', async () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, futureField: { a: 1 }, apiUrl: 'old' }))
    writeFileSync(join(home, 'auth.json'), JSON.stringify({ version: 1, futureSecret: 'keep-me', accessToken: 'old' }))
    await store.saveSession(session)
    expect(store.readConfig()).toMatchObject({ futureField: { a: 1 }, apiUrl: 'https://api' })
    expect(await store.readAuth()).toMatchObject({ futureSecret: 'keep-me', accessToken: 'at' })
  })

  test('saveSession drops known secrets of the previous session', async () => {
    await store.saveSession({ config: {}, auth: { authType: 'api-key', apiKey: 'psk_old', signingKey: 'sk_old' } })
    await store.saveSession(session)
    const auth = (await store.readAuth())!
    expect(auth.apiKey).toBeUndefined()
    expect(auth.signingKey).toBeUndefined()
  })

  test('writeConfig merges, and an undefined value deletes a field', () => {
    store.writeConfig({ apiUrl: 'https://a', consoleUrl: 'c' })
    store.writeConfig({ consoleUrl: undefined, gatewayUrl: 'g' })
    expect(store.readConfig()).toEqual({ version: 1, apiUrl: 'https://a', gatewayUrl: 'g' })
  })

  test('the session\'s addresses are written beside its secrets (apiUrl, gatewayUrl in auth.json)', async () => {
    await store.saveSession({ ...session, config: { ...session.config, gatewayUrl: 'https://gw' } })
    expect(await store.readAuth()).toMatchObject({ apiUrl: 'https://api', gatewayUrl: 'https://gw' })
    await store.patchSession({ config: { gatewayUrl: 'https://gw2' }, auth: {} })
    expect(await store.readAuth()).toMatchObject({ apiUrl: 'https://api', gatewayUrl: 'https://gw2' })
  })

  test('wrong-typed known fields of config.json are ignored, once each, and left on disk', () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(store.paths.config, JSON.stringify({ version: 1, user: 'bob', workspace: { id: 1 }, apiUrl: 'http://u:pw@host', consoleUrl: 'https://c' }))
    expect(store.readConfig()).toEqual({ version: 1, consoleUrl: 'https://c' })
    store.readConfig()
    expect(warnings).toHaveLength(3)
    expect(warnings.join('\n')).toContain('`user` should be an object with string `id` and `email`')
    expect(warnings.join('\n')).not.toContain('pw')
    expect(JSON.parse(readFileSync(store.paths.config, 'utf8')).user).toBe('bob')
  })

  test('bytes that are not UTF-8: the file still reads, and a rewrite keeps the original beside it', () => {
    mkdirSync(home, { recursive: true })
    const original = Buffer.concat([Buffer.from('{"version":1,"apiUrl":"https://api","note":"caf'), Buffer.from([0xe9]), Buffer.from('"}')])
    writeFileSync(store.paths.config, original)
    expect(store.readConfig()?.apiUrl).toBe('https://api')
    store.writeConfig({ consoleUrl: 'https://c' })
    const kept = readdirSync(home).find((f) => f.startsWith('config.json.not-utf8-'))!
    expect(readFileSync(join(home, kept))).toEqual(original)
    expect(store.readConfig()).toMatchObject({ note: 'caf\uFFFD', consoleUrl: 'https://c' })
    expect(warnings.join('\n')).toContain(`the original is kept as ${join(home, kept)}`)
    store.writeConfig({ consoleUrl: 'https://d' })
    expect(readdirSync(home).filter((f) => f.includes('not-utf8'))).toHaveLength(1)
  })

  test('a file over 1 MiB is moved aside unread, as a damaged one', () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(store.paths.config, `{"pad":"${'x'.repeat(MAX_FILE_BYTES)}"}`)
    expect(store.readConfig()).toBeUndefined()
    expect(warnings[0]).toContain('larger than 1 MiB')
    expect(readdirSync(home).some((f) => f.startsWith('config.json.corrupt-'))).toBe(true)
  })

  test('what cannot be read at all is a StoreError naming the path and what to do (exit 4)', async () => {
    mkdirSync(store.paths.auth, { recursive: true })
    const error = (await store.readAuth().catch((e: unknown) => e)) as StoreError
    expect(error).toBeInstanceOf(StoreError)
    expect(error.exitCode).toBe(4)
    expect(error.message).toBe(`${store.paths.auth} is a folder, not a file.`)
    expect(error.hint).toContain(`mv ${store.paths.auth}`)
  })

  test('PENSAR_HOME that is a file: reads and writes say so, with what to do', async () => {
    writeFileSync(home, 'not a folder')
    const read = (await store.readAuth().catch((e: unknown) => e)) as StoreError
    expect(read.message).toBe(`PENSAR_HOME (${home}) is not a folder: a file is in its place.`)
    const write = (await store.saveSession(session).catch((e: unknown) => e)) as StoreError
    expect(write).toBeInstanceOf(StoreError)
    expect(write.message).toBe(read.message)
    await expect(store.checkWritable()).rejects.toThrow(StoreError)
  })

  test('checkWritable leaves nothing behind', async () => {
    await store.checkWritable()
    expect(readdirSync(home)).toEqual([])
    expect(statSync(home).mode & 0o777).toBe(0o700)
  })

  test('a corrupt file is moved aside with one warning and reads as logged out', async () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'auth.json'), '{"accessToken": "at", broken')
    expect(await store.readAuth()).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('auth.json could not be read')
    const aside = readdirSync(home).find((f) => f.startsWith('auth.json.corrupt-'))!
    expect(readFileSync(join(home, aside), 'utf8')).toBe('{"accessToken": "at", broken')
    expect(existsSync(join(home, 'auth.json'))).toBe(false)
    expect(await store.readAuth()).toBeUndefined()
    expect(warnings).toHaveLength(1)
  })

  test('a JSON value that is not an object counts as corrupt', () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'config.json'), '[1,2]')
    expect(store.readConfig()).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('could not be read (a JSON array, not an object)')
    writeFileSync(join(home, 'config.json'), 'null')
    store.readConfig()
    expect(warnings[1]).toContain('could not be read (JSON null, not an object)')
  })

  test('clearSession removes secrets and session fields, keeps the rest', async () => {
    await store.saveSession({ ...session, config: { ...session.config, lastWorkspaceId: 'ws_1', custom: true } })
    await store.clearSession()
    expect(await store.readAuth()).toBeUndefined()
    expect(store.readConfig()).toEqual({ version: 1, apiUrl: 'https://api', lastWorkspaceId: 'ws_1', custom: true })
  })

  test('patchSession merges into both files and keeps the tokens', async () => {
    await store.saveSession(session)
    await store.patchSession({ config: { workspace: { id: 'ws_2', name: 'B', slug: 'b' } }, auth: { signingKey: 'sk_b' } })
    expect(store.readConfig()?.workspace?.id).toBe('ws_2')
    expect(store.readConfig()?.apiUrl).toBe('https://api')
    expect(await store.readAuth()).toMatchObject({ accessToken: 'at', refreshToken: 'rt', signingKey: 'sk_b' })
  })

  test('a file that cannot be prepared leaves the other one unrenamed and no temp file with secrets behind', async () => {
    await store.saveSession(session)
    // auth.json's temp file is written first; config.json's then fails (a BigInt is not JSON).
    const broken = { config: { apiUrl: 1n as unknown as string }, auth: { accessToken: 'new' } }
    await expect(store.saveSession(broken)).rejects.toThrow()
    await expect(store.patchSession(broken)).rejects.toThrow()
    expect((await store.readAuth())?.accessToken).toBe('at')
    expect(readdirSync(home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('a failed write leaves the other file alone and no temp files behind', async () => {
    await store.saveSession(session)
    rmSync(store.paths.auth)
    mkdirSync(store.paths.auth) // renaming onto a folder fails
    await expect(store.saveSession({ config: { apiUrl: 'changed' }, auth: { accessToken: 'new' } })).rejects.toThrow()
    expect(store.readConfig()?.apiUrl).toBe('https://api')
    expect(readdirSync(home).sort()).toEqual(['auth.json', 'config.json'])
  })

  describe('never through a symbolic link', () => {
    let outside: string
    beforeEach(() => {
      outside = join(root, 'outside.txt')
      writeFileSync(outside, 'not pensar\'s', { mode: 0o644 })
      chmodSync(outside, 0o644)
      mkdirSync(home, { recursive: true })
    })
    const untouched = () => {
      expect(readFileSync(outside, 'utf8')).toBe('not pensar\'s')
      expect(statSync(outside).mode & 0o777).toBe(0o644)
    }

    test.each(['auth.json', 'config.json'])('%s planted as a link: replaced by a regular file, its target untouched', async (name) => {
      symlinkSync(outside, join(home, name))
      await store.saveSession(session)
      untouched()
      expect(lstatSync(join(home, name)).isSymbolicLink()).toBe(false)
      expect(statSync(join(home, name)).mode & 0o777).toBe(0o600)
    })

    test('auth.json.reserve planted as a link: the reserve is written in its own new file', async () => {
      await store.saveSession(session)
      symlinkSync(outside, `${store.paths.auth}.reserve`)
      const reservation = store.reserveRoomForAuth()
      untouched()
      expect(lstatSync(`${store.paths.auth}.reserve`).isSymbolicLink()).toBe(false)
      expect(statSync(`${store.paths.auth}.reserve`).mode & 0o777).toBe(0o600)
      reservation.release()
      expect(existsSync(`${store.paths.auth}.reserve`)).toBe(false)
    })
  })

  describe('sweepLeftovers', () => {
    const deadPid = () => Bun.spawnSync(['true']).pid

    test('removes temp files of writers that are gone and the reserve, and hands back the auth temp files it read', async () => {
      await store.saveSession(session)
      const dead = deadPid()
      writeFileSync(join(home, `auth.json.tmp-${dead}-abc123`), JSON.stringify({ refreshToken: 'rt_orphan' }), { mode: 0o600 })
      writeFileSync(join(home, `config.json.tmp-${dead}-def456`), '{"half":', { mode: 0o600 })
      writeFileSync(join(home, 'auth.json.reserve'), Buffer.alloc(1024))
      expect(store.sweepLeftovers()).toEqual([{ refreshToken: 'rt_orphan' }])
      expect(readdirSync(home).sort()).toEqual(['auth.json', 'config.json'])
    })

    test('spares a fresh temp file of a live writer, and removes it once it is old', async () => {
      await store.saveSession(session)
      const live = join(home, `auth.json.tmp-${process.ppid}-abc123`)
      writeFileSync(live, '{}')
      expect(store.sweepLeftovers()).toEqual([])
      expect(existsSync(live)).toBe(true)
      utimesSync(live, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
      store.sweepLeftovers()
      expect(existsSync(live)).toBe(false)
    })

    test('a leftover planted as a link is removed, never read through', () => {
      mkdirSync(home, { recursive: true })
      const outside = join(root, 'secret.json')
      writeFileSync(outside, JSON.stringify({ refreshToken: 'rt_not_ours' }))
      symlinkSync(outside, join(home, `auth.json.tmp-${deadPid()}-abc123`))
      expect(store.sweepLeftovers()).toEqual([])
      expect(readdirSync(home)).toEqual([])
      expect(existsSync(outside)).toBe(true)
    })
  })
})
