// The reuse grace of the refresh grant (docs/console-api.md §2): a client whose answer was lost
// may present the refresh token it just rotated once more within 30 s and get a working pair;
// after the window, from another client, or once the successor was used, it is still reuse.
// An in-process Console with a fake clock puts each request exactly where the test wants it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REUSE_GRACE_MS } from '../../console/api/refresh.ts'
import { startConsole, type RunningConsole } from '../../console/server.ts'
import { consoleControl } from '../helpers/console.ts'
import { bearer, getJson, loginAs, postForm, refresh } from './oauth-client.ts'

let now = Date.UTC(2030, 0, 1)
let pc: RunningConsole
const advance = (ms: number) => (now += ms)
const folder = mkdtempSync(join(tmpdir(), 'pensar-grace-'))
const dbPath = join(folder, 'console.db')

beforeAll(async () => {
  pc = await startConsole({ port: 0, db: dbPath, dev: true, now: () => now })
})
afterAll(async () => {
  await pc.stop()
  rmSync(folder, { recursive: true, force: true })
})

const login = () => loginAs(pc.url, (code) => consoleControl(pc.url).approve(code, 'grace@example.com'))
const works = async (accessToken: string) => (await getJson(`${pc.url}/api/cli/workspaces`, bearer(accessToken))).status === 200
const stats = () => consoleControl(pc.url).stats()

describe('the reuse grace of a rotated refresh token', () => {
  test('inside the window: the same refresh token the lost answer carried, a working access token, no reuse detected', async () => {
    const first = await login()
    const lost = await refresh(pc.url, first.refresh_token) // the answer the client never saw
    advance(REUSE_GRACE_MS - 1_000)
    const before = await stats()
    const again = await refresh(pc.url, first.refresh_token)
    expect(again.status).toBe(200)
    expect(again.body.refresh_token).toBe(lost.body.refresh_token)
    expect(await works(again.body.access_token)).toBe(true)
    expect((await stats()).reuseDetections).toBe(before.reuseDetections)
    // The session goes on from it, and the pair stays one refresh token long.
    const next = await refresh(pc.url, again.body.refresh_token)
    expect(next.status).toBe(200)
    expect(await works(next.body.access_token)).toBe(true)
  })

  test('a repeat within the window is answered alike, until the successor is used: then it is reuse', async () => {
    const first = await login()
    const lost = await refresh(pc.url, first.refresh_token)
    expect((await refresh(pc.url, first.refresh_token)).body.refresh_token).toBe(lost.body.refresh_token)
    expect((await refresh(pc.url, first.refresh_token)).body.refresh_token).toBe(lost.body.refresh_token)
    const next = await refresh(pc.url, lost.body.refresh_token)
    expect(next.status).toBe(200)
    const late = await refresh(pc.url, first.refresh_token)
    expect(late.body.error).toBe('invalid_grant')
    expect(await works(next.body.access_token)).toBe(false)
  })

  test('outside the window: reuse ends the session', async () => {
    const first = await login()
    const rotated = await refresh(pc.url, first.refresh_token)
    advance(REUSE_GRACE_MS + 1)
    const before = await stats()
    const late = await refresh(pc.url, first.refresh_token)
    expect(late.status).toBe(400)
    expect(late.body.error).toBe('invalid_grant')
    expect((await stats()).reuseDetections).toBe(before.reuseDetections + 1)
    expect((await refresh(pc.url, rotated.body.refresh_token)).body.error).toBe('invalid_grant')
    expect(await works(rotated.body.access_token)).toBe(false)
  })

  test('another client inside the window gets nothing, and the session is left to its own client', async () => {
    const first = await login()
    const rotated = await refresh(pc.url, first.refresh_token)
    const other = await postForm(`${pc.url}/user_management/authenticate`, {
      grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'client_pensar_test',
    })
    expect(other.status).toBe(400)
    expect(other.body.error).toBe('invalid_grant')
    expect(other.body.refresh_token).toBeUndefined()
    expect(await works(rotated.body.access_token)).toBe(true)
    expect((await refresh(pc.url, rotated.body.refresh_token)).status).toBe(200)
  })

  test('the database keeps no live refresh token in the clear: the successor is sealed under the token it replaced', async () => {
    const first = await login()
    const rotated = await refresh(pc.url, first.refresh_token)
    const db = new Database(dbPath, { readonly: true })
    const dump = JSON.stringify(db.query('SELECT * FROM refresh_successors').all()) + JSON.stringify(db.query('SELECT * FROM refresh_tokens').all())
    db.close()
    expect(dump).not.toContain(rotated.body.refresh_token)
    expect(dump).not.toContain(first.refresh_token)
  })
})
