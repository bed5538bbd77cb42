// A read-only PENSAR_HOME and a full disk, on a real filesystem: a small tmpfs mounted for the
// test (needs root; skipped elsewhere). Nothing stored may be lost or half-written, and a refresh
// must not spend the refresh token when the new one could not be saved.
import { afterAll, afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getValidAccessToken } from '../../src/flows/session/refresh'
import { logout } from '../../src/flows/session/logout'
import { checkStatus } from '../../src/flows/status/status'
import { PensarError } from '../../src/lib/errors'
import { createStore } from '../../src/lib/store'
import { createTestContext, type TestContext } from '../helpers/context'
import { json } from '../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedWorkosSession } from '../helpers/session-fixtures'

const mounts: string[] = []
const canMount = process.getuid?.() === 0 && tryMount()

function tryMount(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'pensar-mount-probe-'))
  const ok = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).exitCode === 0
  if (ok) Bun.spawnSync(['umount', dir])
  rmSync(dir, { recursive: true, force: true })
  return ok
}

/** A fresh tmpfs of `sizeKb`, holding a logged-in PENSAR_HOME; its test context uses it. */
function homeOnTmpfs(sizeKb: number, accessTtlMs: number): TestContext {
  const dir = mkdtempSync(join(tmpdir(), 'pensar-mount-'))
  expect(Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir]).exitCode).toBe(0)
  mounts.push(dir)
  const home = join(dir, '.pensar')
  mkdirSync(home, { mode: 0o700 })
  const base = createTestContext()
  const store = createStore({ home, now: () => base.clock.now(), warn: (m) => base.ui.warn(m) })
  const t: TestContext = { ...base, home, ctx: { ...base.ctx, store, env: { ...base.ctx.env, home } } }
  seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), accessTtlMs) })
  return t
}

function remountReadOnly(home: string) {
  expect(Bun.spawnSync(['mount', '-o', 'remount,ro', join(home, '..')]).exitCode).toBe(0)
}

/** Fills the filesystem to the last byte. */
function fillDisk(home: string) {
  const filler = join(home, '..', 'filler')
  const chunk = Buffer.alloc(4096, 1)
  try {
    for (;;) writeFileSync(filler, chunk, { flag: 'a' })
  } catch {}
}

let t: TestContext | undefined
afterEach(() => {
  for (const dir of mounts.splice(0)) {
    Bun.spawnSync(['umount', dir])
    rmSync(dir, { recursive: true, force: true })
  }
  t?.cleanup()
})
afterAll(() => {
  for (const dir of mounts) Bun.spawnSync(['umount', dir])
})

describe.skipIf(!canMount)('PENSAR_HOME on a read-only or full disk', () => {
  test('read-only: a refresh is refused before it reaches the Console; the session stays', async () => {
    t = homeOnTmpfs(256, -5_000)
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    remountReadOnly(t.home)
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.message).toContain('Cannot write')
    expect(error.hint).toContain('PENSAR_HOME')
    expect(t.fetch.requests).toHaveLength(0)
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
  })

  test('read-only: status --offline still reports the login', async () => {
    t = homeOnTmpfs(256, 240_000)
    remountReadOnly(t.home)
    const { report } = await checkStatus(t.ctx, { offline: true })
    expect(report.loggedIn).toBe(true)
  })

  test('read-only: a corrupt auth.json that cannot be moved aside reads as logged out, with a warning', async () => {
    t = homeOnTmpfs(256, 240_000)
    writeFileSync(join(t.home, 'auth.json'), '{"accessToken": "eyJ')
    remountReadOnly(t.home)
    const { report } = await checkStatus(t.ctx, { offline: true })
    expect(report.loggedIn).toBe(false)
    expect(t.ui.text).toContain('nor moved aside (EROFS)')
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('read-only: logout says what to do and keeps the files', async () => {
    t = homeOnTmpfs(256, 240_000)
    remountReadOnly(t.home)
    const error = await logout(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.hint).toContain('writable')
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('full disk: no refresh is attempted, no lock or temp file is left, auth.json is intact', async () => {
    t = homeOnTmpfs(256, -5_000)
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    fillDisk(t.home)
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.message).toMatch(/Cannot write|ENOSPC/)
    expect(t.fetch.requests).toHaveLength(0)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
  })

  test('space for the lock but not for the new tokens: refused before the grant', async () => {
    t = homeOnTmpfs(256, -5_000)
    for (let i = 0; i < 4; i++) writeFileSync(join(t.home, '..', `pad${i}`), Buffer.alloc(4096, 1))
    fillDisk(t.home)
    for (let i = 0; i < 4; i++) rmSync(join(t.home, '..', `pad${i}`)) // 16 KB free: the lock fits, 64 KB of reserve does not
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(t.fetch.requests).toHaveLength(0)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('enough space: the refresh goes through on the small disk', async () => {
    t = homeOnTmpfs(512, -5_000)
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now())))
    expect(await getValidAccessToken(t.ctx)).toBe(refreshedTokens(t.clock.now()).access_token)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('a write that only partly fits fails with ENOSPC instead of renaming a truncated file into place', async () => {
    t = homeOnTmpfs(256, 240_000)
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    writeFileSync(join(t.home, '..', 'pad'), Buffer.alloc(4096, 1))
    fillDisk(t.home)
    rmSync(join(t.home, '..', 'pad')) // 4 KB free: a 20 KB auth.json would be cut short
    expect(() => t!.ctx.store.writeAuth({ note: 'x'.repeat(20_000) })).toThrow(/ENOSPC/)
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })
})
