import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  test('reads a missing file as undefined, without warnings', () => {
    expect(store.readConfig()).toBeUndefined()
    expect(store.readAuth()).toBeUndefined()
    expect(warnings).toEqual([])
  })

  test('creates the folder 0700 and both files 0600, with a schema version', () => {
    store.saveSession(session)
    expect(statSync(home).mode & 0o777).toBe(0o700)
    expect(statSync(store.paths.config).mode & 0o777).toBe(0o600)
    expect(statSync(store.paths.auth).mode & 0o777).toBe(0o600)
    expect(store.readConfig()).toMatchObject({ version: 1, apiUrl: 'https://api' })
    expect(store.readAuth()).toMatchObject({ version: 1, accessToken: 'at' })
    expect(readdirSync(home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('tightens a folder that exists with looser permissions', () => {
    mkdirSync(home, { mode: 0o755 })
    chmodSync(home, 0o755)
    store.writeConfig({ apiUrl: 'x' })
    expect(statSync(home).mode & 0o777).toBe(0o700)
  })

  test('keeps fields this version does not know', () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, futureField: { a: 1 }, apiUrl: 'old' }))
    writeFileSync(join(home, 'auth.json'), JSON.stringify({ version: 1, futureSecret: 'keep-me', accessToken: 'old' }))
    store.saveSession(session)
    expect(store.readConfig()).toMatchObject({ futureField: { a: 1 }, apiUrl: 'https://api' })
    expect(store.readAuth()).toMatchObject({ futureSecret: 'keep-me', accessToken: 'at' })
  })

  test('saveSession drops known secrets of the previous session', () => {
    store.saveSession({ config: {}, auth: { authType: 'api-key', apiKey: 'psk_old', signingKey: 'sk_old' } })
    store.saveSession(session)
    const auth = store.readAuth()!
    expect(auth.apiKey).toBeUndefined()
    expect(auth.signingKey).toBeUndefined()
  })

  test('writeConfig merges, and an undefined value deletes a field', () => {
    store.writeConfig({ apiUrl: 'a', consoleUrl: 'c' })
    store.writeConfig({ consoleUrl: undefined, gatewayUrl: 'g' })
    expect(store.readConfig()).toEqual({ version: 1, apiUrl: 'a', gatewayUrl: 'g' })
  })

  test('a corrupt file is moved aside with one warning and reads as logged out', () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'auth.json'), '{"accessToken": "at", broken')
    expect(store.readAuth()).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('auth.json could not be read')
    const aside = readdirSync(home).find((f) => f.startsWith('auth.json.corrupt-'))!
    expect(readFileSync(join(home, aside), 'utf8')).toBe('{"accessToken": "at", broken')
    expect(existsSync(join(home, 'auth.json'))).toBe(false)
    expect(store.readAuth()).toBeUndefined()
    expect(warnings).toHaveLength(1)
  })

  test('a JSON value that is not an object counts as corrupt', () => {
    mkdirSync(home, { recursive: true })
    writeFileSync(join(home, 'config.json'), '[1,2]')
    expect(store.readConfig()).toBeUndefined()
    expect(warnings).toHaveLength(1)
  })

  test('clearSession removes secrets and session fields, keeps the rest', () => {
    store.saveSession({ ...session, config: { ...session.config, lastWorkspaceId: 'ws_1', custom: true } })
    store.clearSession()
    expect(store.readAuth()).toBeUndefined()
    expect(store.readConfig()).toEqual({ version: 1, apiUrl: 'https://api', lastWorkspaceId: 'ws_1', custom: true })
  })

  test('patchSession merges into both files and keeps the tokens', () => {
    store.saveSession(session)
    store.patchSession({ config: { workspace: { id: 'ws_2', name: 'B', slug: 'b' } }, auth: { signingKey: 'sk_b' } })
    expect(store.readConfig()?.workspace?.id).toBe('ws_2')
    expect(store.readConfig()?.apiUrl).toBe('https://api')
    expect(store.readAuth()).toMatchObject({ accessToken: 'at', refreshToken: 'rt', signingKey: 'sk_b' })
  })

  test('a file that cannot be prepared leaves the other one unrenamed and no temp file with secrets behind', () => {
    store.saveSession(session)
    // auth.json's temp file is written first; config.json's then fails (a BigInt is not JSON).
    const broken = { config: { apiUrl: 1n as unknown as string }, auth: { accessToken: 'new' } }
    expect(() => store.saveSession(broken)).toThrow()
    expect(() => store.patchSession(broken)).toThrow()
    expect(store.readAuth()?.accessToken).toBe('at')
    expect(readdirSync(home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('a failed write leaves the other file alone and no temp files behind', () => {
    store.saveSession(session)
    rmSync(store.paths.auth)
    mkdirSync(store.paths.auth) // renaming onto a folder fails
    expect(() => store.saveSession({ config: { apiUrl: 'changed' }, auth: { accessToken: 'new' } })).toThrow()
    expect(store.readConfig()?.apiUrl).toBe('https://api')
    expect(readdirSync(home).sort()).toEqual(['auth.json', 'config.json'])
  })
})
