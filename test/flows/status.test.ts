import { afterEach, describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { status, type StatusReport } from '../../src/flows/status'
import { EXIT, SilentError } from '../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../helpers/context'
import { json, networkError, oauthError } from '../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedApiKeySession, seedWorkosSession, USER, WORKSPACE } from '../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const VALIDATE = '/gateway/validate'
const validated = (balance = 50, ready = true) => json({ workspace: WORKSPACE, credits: { balance }, billing: { ready, hasPaymentMethod: true } })

function jsonContext(vars: Record<string, string> = {}) {
  t = createTestContext({ env: { json: true, vars } })
  return t
}

/** Runs status; returns the one object it printed and the exit code main would use. */
async function runStatus(offline = false): Promise<{ report: StatusReport; exitCode: number }> {
  let exitCode: number = EXIT.ok
  await status(t.ctx, { offline }).catch((error) => {
    if (!(error instanceof SilentError)) throw error
    exitCode = error.exitCode
  })
  expect(t.ui.events).toHaveLength(1)
  return { report: t.ui.events[0] as unknown as StatusReport, exitCode }
}

const FIELDS = ['loggedIn', 'authType', 'user', 'workspace', 'apiUrl', 'credentialStore', 'expiresAt', 'online', 'source']

describe('status --json', () => {
  test('connected with WorkOS: every field, online check with X-Workspace-Id, exit 0', async () => {
    jsonContext()
    const token = accessTokenExpiringIn(t.clock.now(), 240_000)
    seedWorkosSession(t.ctx, { accessToken: token })
    t.fetch.on('GET', VALIDATE, validated())
    const { report, exitCode } = await runStatus()
    expect(Object.keys(report)).toEqual(FIELDS)
    expect(report).toEqual({
      loggedIn: true,
      authType: 'workos',
      user: USER,
      workspace: WORKSPACE,
      apiUrl: TEST_API,
      credentialStore: join(t.home, 'auth.json'),
      expiresAt: new Date(Math.floor((t.clock.now() + 240_000) / 1000) * 1000).toISOString(),
      online: { ok: true, balance: 50, billingReady: true },
      source: 'file',
    })
    expect(exitCode).toBe(EXIT.ok)
    const call = t.fetch.calls(VALIDATE)[0]!
    expect(call.headers.get('authorization')).toBe(`Bearer ${token}`)
    expect(call.headers.get('x-workspace-id')).toBe(WORKSPACE.id)
    t.fetch.verify()
  })

  test('not logged in: loggedIn false, nulls, exit 4, no request', async () => {
    jsonContext()
    const { report, exitCode } = await runStatus()
    expect(report).toEqual({ loggedIn: false, authType: null, user: null, workspace: null, apiUrl: TEST_API, credentialStore: null, expiresAt: null, online: null, source: null })
    expect(exitCode).toBe(EXIT.auth)
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('--offline: what is stored, no request, online null', async () => {
    jsonContext()
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    const { report, exitCode } = await runStatus(true)
    expect(report.loggedIn).toBe(true) // an expired access token with a refresh token is still a login
    expect(report.online).toBeNull()
    expect(exitCode).toBe(EXIT.ok)
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('an expired access token is refreshed before the check, and the new expiry shown', async () => {
    jsonContext()
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now(), 1, 300_000)))
    t.fetch.on('GET', VALIDATE, validated())
    const { report } = await runStatus()
    expect(report.expiresAt).toBe(new Date(Math.floor((t.clock.now() + 300_000) / 1000) * 1000).toISOString())
    expect(report.online?.ok).toBe(true)
  })

  test('a revoked session: the expiry notice, loggedIn false, exit 4', async () => {
    t = createTestContext()
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.fetch.on('GET', VALIDATE, oauthError('invalid_token', 401))
    t.fetch.on('POST', '/user_management/authenticate', oauthError('invalid_grant'))
    const error = await status(t.ctx, { offline: false }).catch((e) => e)
    expect(error).toBeInstanceOf(SilentError)
    expect(error.exitCode).toBe(EXIT.auth)
    const notices = t.ui.lines.filter((l) => l.text.includes('Your Pensar Console session has expired. Run `pensar login` to reconnect.'))
    expect(notices).toHaveLength(1)
  })

  test('the Console unreachable: the stored session still counts, online.ok false, exit 0', async () => {
    jsonContext()
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.fetch.on('GET', VALIDATE, networkError('ECONNREFUSED'))
    const { report, exitCode } = await runStatus()
    expect(report.loggedIn).toBe(true)
    expect(report.online).toEqual({ ok: false, balance: null, billingReady: null })
    expect(exitCode).toBe(EXIT.ok)
  })

  test('a Console answering HTML: online.ok false, nothing stored changes', async () => {
    jsonContext()
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    t.fetch.on('GET', VALIDATE, new Response('<html>proxy login</html>', { status: 200, headers: { 'content-type': 'text/html' } }))
    const { report } = await runStatus()
    expect(report.online?.ok).toBe(false)
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
  })

  test('PENSAR_API_KEY wins: source env, workspace resolved from the server but not stored', async () => {
    jsonContext({ PENSAR_API_KEY: 'psk_envkey123' })
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: { id: 'ws_other', name: 'Other', slug: 'other' }, user: { id: 'u2', email: 'ci@x.y' } }))
    t.fetch.on('GET', VALIDATE, validated(12.5, true))
    const { report } = await runStatus()
    expect(report).toMatchObject({ loggedIn: true, authType: 'api-key', source: 'env', workspace: { slug: 'other' }, expiresAt: null, online: { ok: true, balance: 12.5 } })
    expect(t.fetch.calls(VALIDATE)[0]!.headers.get('authorization')).toBe('Bearer psk_envkey123')
    expect(JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8')).workspace).toEqual(WORKSPACE)
  })

  test('a stored API key without a workspace: resolved from the server and stored', async () => {
    jsonContext()
    seedApiKeySession(t.ctx, 'psk_stored123', false)
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: WORKSPACE, user: USER, signingKey: 'sk_fromserver1234', gatewayUrl: TEST_API }))
    t.fetch.on('GET', VALIDATE, validated(0.42, false))
    const { report } = await runStatus()
    expect(report).toMatchObject({ authType: 'api-key', source: 'file', workspace: WORKSPACE, online: { ok: true, balance: 0.42, billingReady: false } })
    expect(JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8')).workspace).toEqual(WORKSPACE)
    expect(JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8')).signingKey).toBe('sk_fromserver1234')
  })

  test('a revoked API key: not connected, exit 4', async () => {
    jsonContext()
    seedApiKeySession(t.ctx, 'psk_revoked123')
    t.fetch.on('GET', VALIDATE, oauthError('invalid_token', 401))
    const { report, exitCode } = await runStatus()
    expect(report.loggedIn).toBe(false)
    expect(exitCode).toBe(EXIT.auth)
  })

  test('a damaged auth.json: not connected, exit 4, the file kept', async () => {
    jsonContext()
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    const path = join(t.home, 'auth.json')
    const damaged = readFileSync(path, 'utf8').replace('"refreshToken": "rt_original0123456789"', '"refreshToken": 7')
    writeFileSync(path, damaged)
    const { report, exitCode } = await runStatus()
    expect(report.loggedIn).toBe(false)
    expect(exitCode).toBe(EXIT.auth)
    expect(readFileSync(path, 'utf8')).toBe(damaged)
  })
})

describe('status for a person', () => {
  test('shows auth type, user, workspace, API, file, expiry and the online check; never a secret', async () => {
    t = createTestContext()
    const token = accessTokenExpiringIn(t.clock.now(), 240_000)
    seedWorkosSession(t.ctx, { accessToken: token })
    t.fetch.on('GET', VALIDATE, validated(0.42, false))
    await status(t.ctx, { offline: false })
    const text = t.ui.text
    for (const part of ['WorkOS', USER.email, 'Acme (acme)', TEST_API, join(t.home, 'auth.json'), 'expires in 4m 00s', 'balance $0.42', 'billing NOT ready']) {
      expect(text).toContain(part)
    }
    expect(text).not.toContain(token)
    expect(text).not.toContain('rt_original')
    expect(t.ui.events).toHaveLength(0)
  })

  test('says that PENSAR_API_KEY overrides a stored login', async () => {
    t = createTestContext({ env: { vars: { PENSAR_API_KEY: 'psk_envkey123' } } })
    seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    await status(t.ctx, { offline: true })
    expect(t.ui.text).toContain('PENSAR_API_KEY is set: it overrides the login stored in')
    expect(t.ui.text).not.toContain('psk_envkey123')
  })
})
