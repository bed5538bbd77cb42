import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { checkStatus, status, type StatusReport } from '../../../src/flows/status/status'
import { ONLINE_BUDGET_MS } from '../../../src/flows/status/online-check'
import { CancelledError, EXIT, SilentError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext } from '../../helpers/context'
import { fakeKeychain } from '../../helpers/fake-keychain'
import { json, networkError, oauthError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedApiKeySession, seedWorkosSession, USER, WORKSPACE } from '../../helpers/session-fixtures'

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

const FIELDS = ['loggedIn', 'authType', 'user', 'workspace', 'apiUrl', 'credentialStore', 'credentialBackend', 'expiresAt', 'online', 'source']

describe('status --json', () => {
  test('connected with WorkOS: every field, online check with X-Workspace-Id, exit 0', async () => {
    jsonContext()
    const token = accessTokenExpiringIn(t.clock.now(), 240_000)
    await seedWorkosSession(t.ctx, { accessToken: token })
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
      credentialBackend: 'file',
      expiresAt: new Date(Math.floor((t.clock.now() + 240_000) / 1000) * 1000).toISOString(),
      online: { ok: true, balance: 50, billingReady: true, inferenceEnabled: null },
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
    expect(report).toEqual({ loggedIn: false, authType: null, user: null, workspace: null, apiUrl: TEST_API, credentialStore: null, credentialBackend: null, expiresAt: null, online: null, source: null })
    expect(exitCode).toBe(EXIT.auth)
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('--offline: what is stored, no request, online null', async () => {
    jsonContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    const { report, exitCode } = await runStatus(true)
    expect(report.loggedIn).toBe(true) // an expired access token with a refresh token is still a login
    expect(report.online).toBeNull()
    expect(exitCode).toBe(EXIT.ok)
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('an expired access token is refreshed before the check, and the new expiry shown', async () => {
    jsonContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now(), 1, 300_000)))
    t.fetch.on('GET', VALIDATE, validated())
    const { report } = await runStatus()
    expect(report.expiresAt).toBe(new Date(Math.floor((t.clock.now() + 300_000) / 1000) * 1000).toISOString())
    expect(report.online?.ok).toBe(true)
  })

  test('a revoked session: the expiry notice, loggedIn false, exit 4', async () => {
    t = createTestContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
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
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.fetch.on('GET', VALIDATE, networkError('ECONNREFUSED'))
    const { report, exitCode } = await runStatus()
    expect(report.loggedIn).toBe(true)
    expect(report.online).toEqual({ ok: false, balance: null, billingReady: null, inferenceEnabled: null })
    expect(exitCode).toBe(EXIT.ok)
  })

  test('a Console answering HTML: online.ok false, nothing stored changes', async () => {
    jsonContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    t.fetch.on('GET', VALIDATE, new Response('<html>proxy login</html>', { status: 200, headers: { 'content-type': 'text/html' } }))
    const { report } = await runStatus()
    expect(report.online?.ok).toBe(false)
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
  })

  test('PENSAR_API_KEY wins: source env, workspace resolved from the server but not stored', async () => {
    jsonContext({ PENSAR_API_KEY: 'psk_envkey123' })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: { id: 'ws_other', name: 'Other', slug: 'other' }, user: { id: 'u2', email: 'ci@x.y' } }))
    t.fetch.on('GET', VALIDATE, validated(12.5, true))
    const { report } = await runStatus()
    expect(report).toMatchObject({ loggedIn: true, authType: 'api-key', source: 'env', workspace: { slug: 'other' }, expiresAt: null, online: { ok: true, balance: 12.5 } })
    expect(t.fetch.calls(VALIDATE)[0]!.headers.get('authorization')).toBe('Bearer psk_envkey123')
    // The stored workspace is another login's: the key's own, from /auth/validate, is sent.
    expect(t.fetch.calls(VALIDATE)[0]!.headers.get('x-workspace-id')).toBe('ws_other')
    expect(JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8')).workspace).toEqual(WORKSPACE)
  })

  test('the Apex Inference category switched off: still connected (exit 0), and the report says so', async () => {
    jsonContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.fetch.on('GET', VALIDATE, json({ workspace: WORKSPACE, credits: { balance: 50 }, billing: { ready: true, hasPaymentMethod: true }, inference: { enabled: false } }))
    const { report, exitCode } = await runStatus()
    expect(report.online).toEqual({ ok: true, balance: 50, billingReady: true, inferenceEnabled: false })
    expect(exitCode).toBe(EXIT.ok)
  })

  test('a stored API key without a workspace: resolved from the server and stored', async () => {
    jsonContext()
    await seedApiKeySession(t.ctx, 'psk_stored123', false)
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: WORKSPACE, user: USER, signingKey: 'sk_fromserver1234', gatewayUrl: TEST_API }))
    t.fetch.on('GET', VALIDATE, validated(0.42, false))
    const { report } = await runStatus()
    expect(report).toMatchObject({ authType: 'api-key', source: 'file', workspace: WORKSPACE, online: { ok: true, balance: 0.42, billingReady: false, inferenceEnabled: null } })
    expect(JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8')).workspace).toEqual(WORKSPACE)
    expect(JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8')).signingKey).toBe('sk_fromserver1234')
  })

  test('a revoked API key: not connected, exit 4', async () => {
    jsonContext()
    await seedApiKeySession(t.ctx, 'psk_revoked123')
    t.fetch.on('GET', VALIDATE, oauthError('invalid_token', 401))
    const { report, exitCode } = await runStatus()
    expect(report.loggedIn).toBe(false)
    expect(exitCode).toBe(EXIT.auth)
  })

  test('a damaged auth.json: not connected, exit 4, the file kept', async () => {
    jsonContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
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
    await seedWorkosSession(t.ctx, { accessToken: token })
    t.fetch.on('GET', VALIDATE, validated(0.42, false))
    await status(t.ctx, { offline: false })
    const text = t.ui.text
    for (const part of ['Connected to Pensar Console', 'WorkOS', USER.email, 'Acme (acme)', `Console:     ${TEST_API}`, join(t.home, 'auth.json'), 'expires in 4m 00s', 'Balance:     $0.42 (low)', 'Billing:     not set up']) {
      expect(text).toContain(part)
    }
    expect(text).not.toContain(token)
    expect(text).not.toContain('rt_original')
    expect(t.ui.events).toHaveLength(0)
  })

  test('says that PENSAR_API_KEY overrides a stored login', async () => {
    t = createTestContext({ env: { vars: { PENSAR_API_KEY: 'psk_envkey123' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    await status(t.ctx, { offline: true })
    expect(t.ui.text).toContain('PENSAR_API_KEY is set: it overrides the login stored in')
    expect(t.ui.text).not.toContain('psk_envkey123')
  })
})

describe('Ctrl-C during the online check', () => {
  test('is a cancellation (exit 130), not "offline"; a renewal already sent still saves its tokens', async () => {
    jsonContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', '/user_management/authenticate', () => {
      t.abort.abort(new CancelledError()) // Ctrl-C, with the renewal at the Console
      return json(refreshedTokens(t.clock.now()))
    })
    const error = await status(t.ctx, { offline: false }).catch((e) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(error.exitCode).toBe(EXIT.cancelled)
    expect(t.ui.events).toEqual([])
    await t.ctx.background.settled()
    expect(JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8')).refreshToken).toBe(refreshedTokens(t.clock.now()).refresh_token)
  })
})

describe('one budget for the whole online check', () => {
  const TOKEN_PATH = '/user_management/authenticate'
  const OFFLINE = { ok: false, balance: null, billingReady: null, inferenceEnabled: null }
  const authFile = () => JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8'))
  const lockPath = () => join(t.home, 'auth-refresh.lock')

  test.each([
    ['an expired token renewed before the check', -60_000, false],
    ['the renewal after a 401', 240_000, true],
  ])('a token endpoint slower than the budget (%s): answered offline at the deadline, the renewal saved before status returns', async (_name, ttlMs, rejected) => {
    jsonContext()
    const stale = accessTokenExpiringIn(t.clock.now(), ttlMs)
    await seedWorkosSession(t.ctx, { accessToken: stale })
    if (rejected) t.fetch.on('GET', VALIDATE, oauthError('invalid_token', 401))
    let answerTokens!: () => void
    const tokensAnswered = new Promise<void>((resolve) => (answerTokens = resolve))
    t.fetch.on('POST', TOKEN_PATH, async () => {
      t.clock.advance(ONLINE_BUDGET_MS) // the Console takes the whole budget and more
      await tokensAnswered
      return json(refreshedTokens(t.clock.now()))
    })
    const storedWhenAnswered: string[] = []
    const answered = new Promise<void>((resolve) => {
      t.ui.emit = (event) => {
        t.ui.events.push(event)
        storedWhenAnswered.push(authFile().refreshToken)
        resolve()
      }
    })
    const running = status(t.ctx, { offline: false }).then(() => 'returned')
    await answered
    expect(t.ui.events[0]).toMatchObject({ loggedIn: true, online: OFFLINE })
    expect(storedWhenAnswered).toEqual(['rt_original0123456789']) // the renewal was still out
    expect(await Promise.race([running, Promise.resolve('still waiting')])).toBe('still waiting')
    answerTokens()
    expect(await running).toBe('returned')
    const saved = authFile()
    expect(saved.refreshToken).toBe('rt_rotated1_0123456789')
    expect(saved.accessToken).not.toBe(stale)
    expect(saved.sessionExpiredAt).toBeUndefined()
    expect(existsSync(lockPath())).toBe(false)
    t.fetch.verify() // no validation (or retry) after the deadline
  })

  test('checkStatus (the login screen\'s check) returns only once a renewal cut short by the deadline is saved', async () => {
    t = createTestContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', TOKEN_PATH, () => {
      t.clock.advance(ONLINE_BUDGET_MS) // the tokens arrive just as the budget runs out
      return json(refreshedTokens(t.clock.now()))
    })
    const { report } = await checkStatus(t.ctx, { offline: false })
    expect(report.online).toEqual(OFFLINE)
    expect(authFile().refreshToken).toBe('rt_rotated1_0123456789')
  })

  test('another process holding the refresh lock: status stops waiting at the deadline, sends nothing, keeps the session', async () => {
    t = createTestContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    const held = JSON.stringify({ pid: process.pid, host: hostname(), createdAt: Date.now(), id: 'other' })
    writeFileSync(lockPath(), held)
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    const started = t.clock.now()
    await status(t.ctx, { offline: false })
    expect(t.clock.now() - started).toBeLessThan(ONLINE_BUDGET_MS + 60) // one poll of the lock at most
    expect(t.ui.text).toContain(`Online:      not verified: ${TEST_API} did not answer within 3 s\n`)
    expect(t.ui.text).toContain('report: Logged in, not verified')
    expect(t.fetch.requests).toHaveLength(0)
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
    expect(readFileSync(lockPath(), 'utf8')).toBe(held)
  })

  test.each([
    ['the gateway validation', VALIDATE, () => seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })],
    ['the API-key workspace lookup', '/auth/validate', () => seedApiKeySession(t.ctx, 'psk_stored123', false)],
  ])('%s slower than the budget: offline at the deadline, logged in', async (_name, path, seed) => {
    t = createTestContext()
    await seed()
    const config = readFileSync(join(t.home, 'config.json'), 'utf8')
    t.fetch.on('GET', path, () => {
      t.clock.advance(ONLINE_BUDGET_MS)
      return new Promise<Response>(() => {}) // never answers
    })
    const outcome = await checkStatus(t.ctx, { offline: false })
    expect(outcome.report).toMatchObject({ loggedIn: true, online: OFFLINE })
    expect(outcome.unverified).toEqual({ reason: `${TEST_API} did not answer within 3 s`, hint: 'Check your network connection, then run `pensar status` again.', renewalFailed: false })
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).toBe(config)
    t.fetch.verify()
  }, 1_000) // without the deadline the request would wait for its own 3 s timeout
})

describe('with the OS keychain', () => {
  function keychainContext(vars: Record<string, string> = {}) {
    const { keychain, secrets } = fakeKeychain()
    t = createTestContext({ env: { json: true, vars }, keychain, credentialMode: 'auto' })
    return secrets
  }

  test('--offline reads no secret: the keychain is not asked, even locked; config.json says where and until when', async () => {
    const secrets = keychainContext()
    const token = accessTokenExpiringIn(t.clock.now(), 240_000)
    await seedWorkosSession(t.ctx, { accessToken: token })
    secrets.calls.length = 0
    secrets.state = 'hang'
    const { report, exitCode } = await runStatus(true)
    expect(exitCode).toBe(EXIT.ok)
    expect(secrets.calls).toEqual([])
    expect(report).toMatchObject({
      loggedIn: true, authType: 'workos', source: 'file', apiUrl: TEST_API,
      credentialStore: 'OS keychain (Secret Service)', credentialBackend: 'keychain',
      expiresAt: new Date(Math.floor((t.clock.now() + 240_000) / 1000) * 1000).toISOString(),
    })
  })

  test('--offline after the Console ended the session: not logged in, exit 4, still without the keychain', async () => {
    const secrets = keychainContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    await t.ctx.store.writeAuth({ accessToken: undefined, refreshToken: undefined, expiresAt: undefined, sessionExpiredAt: t.clock.now() })
    secrets.calls.length = 0
    const { report, exitCode } = await runStatus(true)
    expect({ loggedIn: report.loggedIn, credentialStore: report.credentialStore, exitCode }).toEqual({ loggedIn: false, credentialStore: null, exitCode: EXIT.auth })
    expect(secrets.calls).toEqual([])
  })

  test('--offline with --api-url naming another Console: exit 4, as with the file', async () => {
    keychainContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.ctx.env = { ...t.ctx.env, apiUrl: 'https://elsewhere.test', apiUrlExplicit: true }
    const { report, exitCode } = await runStatus(true)
    expect(report.loggedIn).toBe(false)
    expect(exitCode).toBe(EXIT.auth)
  })

  test('online reads the keychain; a locked one is "not connected" (exit 4) with what to do', async () => {
    const secrets = keychainContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    secrets.state = 'locked'
    const { report, exitCode } = await runStatus()
    expect(report).toMatchObject({ loggedIn: false, credentialBackend: 'keychain' })
    expect(exitCode).toBe(EXIT.auth)
    expect(t.ui.text).toContain("The session's credentials are not in the OS keychain (Secret Service): it is locked")
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('a renewal under the lock saves the rotated token in the keychain and the new expiry in config.json', async () => {
    const secrets = keychainContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now(), 1, 300_000)))
    t.fetch.on('GET', VALIDATE, validated())
    const { report } = await runStatus()
    expect(report.expiresAt).toBe(new Date(Math.floor((t.clock.now() + 300_000) / 1000) * 1000).toISOString())
    expect(Object.values(secrets.sessions())[0]).toMatchObject({ refreshToken: 'rt_rotated1_0123456789' })
    expect(existsSync(join(t.home, 'auth.json'))).toBe(false)
  })
})

describe('status tells the truth: the heading and every line agree with what was checked, and where', () => {
  const personContext = (env: Parameters<typeof createTestContext>[0] = {}) => (t = createTestContext(env))
  const exitOf = (run: Promise<unknown>) => run.then(() => EXIT.ok as number, (error) => (error instanceof SilentError ? error.exitCode : Promise.reject(error)))

  test('a failed renewal (the token endpoint answers 503) reads as not verified, and says what to do', async () => {
    personContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', '/user_management/authenticate', oauthError('temporarily_unavailable', 503, 'Try again later.'))
    expect(await exitOf(status(t.ctx, { offline: false }))).toBe(EXIT.ok) // the login is kept
    const [report] = t.ui.reports
    expect(report!.title).toBe('Logged in, not verified')
    expect(report!.lines).toContainEqual({ tone: 'warn', text: 'Token:       expired; renewing it failed' })
    expect(report!.lines).toContainEqual({
      tone: 'warn',
      text: `Online:      not verified: ${TEST_API}/user_management/authenticate answered 503 (temporarily_unavailable: Try again later)`,
    })
    expect(report!.verdict).toEqual({ tone: 'warn', text: 'Your login is kept. Pensar Console had a problem. Try again in a minute.' })
    expect(t.ui.text).not.toMatch(/Connected|renewed automatically|could not check|\.\)\./)
    expect(t.fetch.calls(VALIDATE)).toEqual([]) // nothing was checked with a token that could not be renewed
  })

  test('--api-url naming another Console: says the session belongs to the other one, checks nothing, exit 4', async () => {
    personContext({ env: { apiUrl: 'https://other.console.test', apiUrlExplicit: true } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    expect(await exitOf(status(t.ctx, { offline: false }))).toBe(EXIT.auth)
    expect(t.ui.lines).toEqual([
      { kind: 'info', text: `Last connection: ${USER.email}, Acme (acme) at ${TEST_API}` },
      {
        kind: 'error',
        text:
          `Not logged in to https://other.console.test: the stored session belongs to ${TEST_API}.\n` +
          `Run \`pensar login --api-url https://other.console.test\` to log in there (it replaces the stored session), or leave out --api-url and PENSAR_API_URL to use ${TEST_API}.`,
      },
    ])
    expect(t.fetch.requests).toEqual([])
  })

  test('--api-url naming the stored Console (a trailing slash, another case) is that Console', async () => {
    personContext({ env: { apiUrl: `${TEST_API.toUpperCase()}/`, apiUrlExplicit: true } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    t.fetch.on('GET', VALIDATE, validated())
    expect(await exitOf(status(t.ctx, { offline: false }))).toBe(EXIT.ok)
    expect(t.ui.reports[0]!.title).toBe('Connected to Pensar Console')
  })

  test('--json: another Console is loggedIn false with code other_console, the address asked about', async () => {
    jsonContext()
    t.ctx.env.apiUrl = 'https://other.console.test'
    t.ctx.env.apiUrlExplicit = true
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    const { report, exitCode } = await runStatus()
    expect(report).toMatchObject({ loggedIn: false, apiUrl: 'https://other.console.test', user: USER, online: null })
    expect(exitCode).toBe(EXIT.auth)
    expect(t.ui.text).toContain('error: Not logged in to https://other.console.test')
  })

  test('PENSAR_API_KEY over a stored browser session, offline: the key only, no token expiry', async () => {
    personContext({ env: { vars: { PENSAR_API_KEY: 'psk_envkey123' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    await status(t.ctx, { offline: true })
    const [report] = t.ui.reports
    expect(report!.title).toBe('Logged in to Pensar Console')
    expect(report!.lines).toEqual([
      'Auth:        API key from PENSAR_API_KEY',
      'User:        not checked (--offline)',
      'Workspace:   not checked (--offline)',
      `Console:     ${TEST_API}`,
      'Credentials: PENSAR_API_KEY (environment)',
      'Online:      not checked (--offline)',
    ])
  })

  test('PENSAR_API_KEY over a stored browser session, online: the key checked at its own gateway, for its own workspace', async () => {
    personContext({ env: { vars: { PENSAR_API_KEY: 'psk_envkey123' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000), extraConfig: { gatewayUrl: 'https://gateway.of-the-stored-session.test' } })
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: { id: 'ws_other', name: 'Other', slug: 'other' }, user: { id: 'u2', email: 'ci@x.y' } }))
    t.fetch.on('GET', VALIDATE, validated(12.5, true))
    await status(t.ctx, { offline: false })
    const call = t.fetch.calls(VALIDATE)[0]!
    expect(call.url).toBe(`${TEST_API}/gateway/validate`)
    expect(call.headers.get('x-workspace-id')).toBe('ws_other')
    const text = t.ui.text
    expect(text).toContain('Workspace:   Other (other)')
    expect(text).toContain('User:        ci@x.y')
    expect(text).not.toContain('Token:')
    expect(text).not.toContain('token accepted')
  })

  test('a renewal that worked says so', async () => {
    personContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
    t.fetch.on('POST', '/user_management/authenticate', json(refreshedTokens(t.clock.now())))
    t.fetch.on('GET', VALIDATE, validated())
    await status(t.ctx, { offline: false })
    expect(t.ui.reports[0]!.title).toBe('Connected to Pensar Console')
    expect(t.ui.reports[0]!.lines).toContain('Token:       renewed just now, expires in 5m 00s')
  })
})
