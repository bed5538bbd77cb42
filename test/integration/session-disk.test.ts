// A read-only PENSAR_HOME and a full disk, on a real filesystem: a small tmpfs mounted for the
// test (needs root; skipped elsewhere). Nothing stored may be lost or half-written, and a refresh
// must not spend the refresh token when the new one could not be saved.
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getValidAccessToken } from '../../src/flows/session/refresh'
import { logout } from '../../src/flows/session/logout'
import { checkStatus } from '../../src/flows/status/status'
import { PensarError } from '../../src/lib/errors'
import { createStore } from '../../src/lib/store'
import { createTestContext, type TestContext } from '../helpers/context'
import { json } from '../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedWorkosSession } from '../helpers/session-fixtures'
import { canMountTmpfs, mountTmpfs, type Tmpfs } from '../helpers/tmpfs'

const mounts: Tmpfs[] = []

/** A fresh tmpfs of `sizeKb`, holding a logged-in PENSAR_HOME; its test context uses it. */
async function homeOnTmpfs(sizeKb: number, accessTtlMs: number): Promise<TestContext> {
  const disk = mountTmpfs(sizeKb)
  mounts.push(disk)
  const home = join(disk.dir, '.pensar')
  mkdirSync(home, { mode: 0o700 })
  const base = createTestContext()
  const store = createStore({ home, now: () => base.clock.now(), warn: (m) => base.ui.warn(m) })
  const t: TestContext = { ...base, home, ctx: { ...base.ctx, store, env: { ...base.ctx.env, home } } }
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), accessTtlMs) })
  return t
}

const remountReadOnly = () => mounts.at(-1)!.remountReadOnly()
const fillDisk = (_home: string, leaveKb = 0) => mounts.at(-1)!.fill(leaveKb)

let t: TestContext | undefined
afterEach(() => {
  for (const disk of mounts.splice(0)) disk.unmount()
  t?.cleanup()
})

describe.skipIf(!canMountTmpfs)('PENSAR_HOME on a read-only or full disk', () => {
  test('read-only: a refresh is refused before it reaches the Console; the session stays', async () => {
    t = await homeOnTmpfs(256, -5_000)
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    remountReadOnly()
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.message).toContain('Cannot write')
    expect(error.hint).toContain('PENSAR_HOME')
    expect(t.fetch.requests).toHaveLength(0)
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
  })

  test('read-only: status --offline still reports the login', async () => {
    t = await homeOnTmpfs(256, 240_000)
    remountReadOnly()
    const { report } = await checkStatus(t.ctx, { offline: true })
    expect(report.loggedIn).toBe(true)
  })

  test('read-only: a corrupt auth.json that cannot be moved aside reads as logged out, with a warning', async () => {
    t = await homeOnTmpfs(256, 240_000)
    writeFileSync(join(t.home, 'auth.json'), '{"accessToken": "eyJ')
    remountReadOnly()
    const { report } = await checkStatus(t.ctx, { offline: true })
    expect(report.loggedIn).toBe(false)
    expect(t.ui.text).toContain('nor moved aside (EROFS)')
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('read-only: logout says what to do and keeps the files', async () => {
    t = await homeOnTmpfs(256, 240_000)
    remountReadOnly()
    const error = await logout(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.hint).toContain('writable')
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('full disk: no refresh is attempted, no lock or temp file is left, auth.json is intact', async () => {
    t = await homeOnTmpfs(256, -5_000)
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
    t = await homeOnTmpfs(256, -5_000)
    // 4 KB free: the lock fits, an 8 KB reserve does not.
    fillDisk(t.home, 4)
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(t.fetch.requests).toHaveLength(0)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('a nearly full disk still renews a small auth.json: the reserve is sized to it, not 64 KB', async () => {
    t = await homeOnTmpfs(256, -5_000)
    fillDisk(t.home, 16)
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now())))
    expect(await getValidAccessToken(t.ctx)).toBe(refreshedTokens(t.clock.now()).access_token)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('enough space: the refresh goes through on the small disk', async () => {
    t = await homeOnTmpfs(512, -5_000)
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now())))
    expect(await getValidAccessToken(t.ctx)).toBe(refreshedTokens(t.clock.now()).access_token)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })

  test('a write that only partly fits fails with ENOSPC instead of renaming a truncated file into place', async () => {
    t = await homeOnTmpfs(256, 240_000)
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    fillDisk(t.home, 4) // 4 KB free: a 20 KB auth.json would be cut short
    expect(() => t!.ctx.store.writeAuth({ note: 'x'.repeat(20_000) })).toThrow(expect.objectContaining({ fsCode: 'ENOSPC', message: expect.stringContaining('no space left on the disk') }))
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
    expect(readdirSync(t.home).sort()).toEqual(['auth.json', 'config.json'])
  })
})
