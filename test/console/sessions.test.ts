import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { TEST_CLIENT_ID } from '../../console/app.ts'
import { bearer, getJson, loginAs, postForm, refresh, revoke } from './oauth-client.ts'

const DEMO = 'demo@pensar.local'
let pc: TestConsole
beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo'])
}, 30_000)
afterAll(() => pc.stop())

const login = (email = DEMO) => loginAs(pc.url, (code) => pc.control.approve(code, email))
const workspacesStatus = async (token: string) => (await getJson(`${pc.url}/api/cli/workspaces`, bearer(token))).status

describe('refresh tokens', () => {
  test('rotate: each refresh returns a new refresh token and a working access token', async () => {
    const first = await login()
    const second = await refresh(pc.url, first.refresh_token)
    expect(second.status).toBe(200)
    expect(second.headers.get('cache-control')).toBe('no-store')
    expect(second.body.refresh_token).not.toBe(first.refresh_token)
    expect(await workspacesStatus(second.body.access_token)).toBe(200)
    const third = await refresh(pc.url, second.body.refresh_token)
    expect(third.status).toBe(200)
  })

  test('reusing a rotated refresh token whose successor was used revokes the whole session', async () => {
    await pc.control.resetStats()
    const first = await login()
    const rotated = await refresh(pc.url, first.refresh_token)
    const newest = await refresh(pc.url, rotated.body.refresh_token)
    // Within the reuse grace, but the answer to `first` was plainly received: its successor was used.
    const reuse = await refresh(pc.url, first.refresh_token)
    expect(reuse.status).toBe(400)
    expect(reuse.body.error).toBe('invalid_grant')
    // Everything descended from that login is dead: the newest refresh token and every access token.
    expect((await refresh(pc.url, newest.body.refresh_token)).body.error).toBe('invalid_grant')
    expect(await workspacesStatus(newest.body.access_token)).toBe(401)
    expect(await workspacesStatus(first.access_token)).toBe(401)
    const stats = await pc.control.stats()
    expect(stats).toMatchObject({ deviceGrants: 1, refreshes: 2, reuseDetections: 1 })
  })

  test('unknown refresh tokens and wrong clients get invalid_grant / invalid_client', async () => {
    expect((await refresh(pc.url, 'rt_unknown')).body.error).toBe('invalid_grant')
    const session = await login()
    const other = await postForm(`${pc.url}/user_management/authenticate`, {
      grant_type: 'refresh_token', refresh_token: session.refresh_token, client_id: 'client_pensar_test',
    })
    expect(other.body.error).toBe('invalid_grant')
    expect((await refresh(pc.url, session.refresh_token)).status).toBe(200)
  })
})

describe('access tokens are bound to their client', () => {
  test('a token the Console issued to client_pensar_test is refused by the CLI API and the gateway', async () => {
    const other = await loginAs(pc.url, (code) => pc.control.approve(code, DEMO), TEST_CLIENT_ID)
    const refused = await getJson(`${pc.url}/api/cli/workspaces`, bearer(other.access_token))
    expect([refused.status, refused.body.error]).toEqual([401, 'invalid_token'])
    expect(refused.body.error_description).toContain('client_pensar_cli')
    const [workspace] = (await getJson(`${pc.url}/api/cli/workspaces`, bearer((await login()).access_token))).body.workspaces
    const gateway = await getJson(`${pc.url}/gateway/validate`, { ...bearer(other.access_token), 'x-workspace-id': workspace.id })
    expect(gateway.status).toBe(401)
  })
})

describe('revocation', () => {
  test('revoking one session by refresh token leaves the same user\'s other session alive', async () => {
    await pc.control.resetStats()
    const laptop = await login('two-devices@example.com')
    const desktop = await login('two-devices@example.com')
    const revoked = await postForm(`${pc.url}/oauth/revoke`, { token: laptop.refresh_token, token_type_hint: 'refresh_token', client_id: 'client_pensar_cli' })
    expect(revoked.status).toBe(200)
    expect(revoked.body).toEqual({})
    expect(await workspacesStatus(laptop.access_token)).toBe(401)
    expect((await refresh(pc.url, laptop.refresh_token)).body.error).toBe('invalid_grant')
    expect(await workspacesStatus(desktop.access_token)).toBe(200)
    expect((await refresh(pc.url, desktop.refresh_token)).status).toBe(200)
    expect((await pc.control.stats()).revocations).toBe(1)
  })

  test('an access token revokes its session too; unknown tokens still answer 200', async () => {
    const session = await login()
    expect((await revoke(pc.url, session.access_token)).status).toBe(200)
    expect(await workspacesStatus(session.access_token)).toBe(401)
    expect((await revoke(pc.url, 'rt_nothing')).status).toBe(200)
    expect((await revoke(pc.url, session.refresh_token)).status).toBe(200)
    const missing = await postForm(`${pc.url}/oauth/revoke`, { client_id: 'client_pensar_cli' })
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request'])
  })

  test('RFC 7009 §2.1: a client revokes only tokens issued to it; client_id is required and must be known', async () => {
    const session = await login()
    for (const token of [session.refresh_token, session.access_token]) {
      const foreign = await revoke(pc.url, token, TEST_CLIENT_ID)
      expect([foreign.status, foreign.body.error]).toEqual([400, 'invalid_grant'])
    }
    const anonymous = await postForm(`${pc.url}/oauth/revoke`, { token: session.refresh_token })
    expect([anonymous.status, anonymous.body.error]).toEqual([400, 'invalid_request'])
    const unknown = await revoke(pc.url, session.refresh_token, 'client_nobody')
    expect([unknown.status, unknown.body.error]).toEqual([401, 'invalid_client'])
    expect(await workspacesStatus(session.access_token)).toBe(200)
    expect((await refresh(pc.url, session.refresh_token)).status).toBe(200)

    const testClient = await loginAs(pc.url, (code) => pc.control.approve(code, DEMO), TEST_CLIENT_ID)
    expect((await revoke(pc.url, testClient.refresh_token)).body.error).toBe('invalid_grant')
    expect((await revoke(pc.url, testClient.refresh_token, TEST_CLIENT_ID)).status).toBe(200)
    expect((await refresh(pc.url, testClient.refresh_token)).body.error).toBe('invalid_grant')
  })

  test('the control API revokes every session of a user', async () => {
    const a = await login('everywhere@example.com')
    const b = await login('everywhere@example.com')
    expect(await pc.control.revokeSessions('everywhere@example.com')).toEqual({ revoked: 2 })
    expect(await workspacesStatus(a.access_token)).toBe(401)
    expect(await workspacesStatus(b.access_token)).toBe(401)
  })
})
