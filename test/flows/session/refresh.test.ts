import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { getValidAccessToken, getValidCredentials, renewAfterRejection, SESSION_EXPIRED_MESSAGE, SessionExpiredError } from '../../../src/flows/session/refresh'
import { AuthError, CancelledError, EXIT, PensarError } from '../../../src/lib/errors'
import { createStore } from '../../../src/lib/store'
import { createTestContext, type TestContext } from '../../helpers/context'
import { json, networkError, oauthError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, CLIENT_ID, fakeJwt, refreshedTokens, seedApiKeySession, seedWorkosSession, TOKEN_ENDPOINT, USER, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext

/** A second "process": its own fakes, the same PENSAR_HOME. */
function contextSharingHome(home: string): TestContext {
  const other = createTestContext()
  const store = createStore({ home, now: () => other.clock.now(), warn: (m) => other.ui.warn(m) })
  return { ...other, home, ctx: { ...other.ctx, store, env: { ...other.ctx.env, home } } }
}
afterEach(() => t?.cleanup())

const TOKEN_PATH = '/user_management/authenticate'
const authFile = () => JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8'))
const configFile = () => JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8'))

async function loggedIn(accessTtlMs: number, opts: { env?: Record<string, string> } = {}) {
  t = createTestContext({ env: opts.env ? { vars: opts.env } : undefined })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), accessTtlMs) })
  return t
}

describe('getValidAccessToken', () => {
  test('returns a token with more than 60 s left without calling the Console', async () => {
    await loggedIn(120_000)
    expect(await getValidAccessToken(t.ctx)).toBe(authFile().accessToken)
    t.fetch.verify()
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('refreshes a token expiring within 60 s and stores the rotated refresh token first', async () => {
    await loggedIn(59_000)
    const answer = refreshedTokens(t.clock.now())
    t.fetch.on('POST', TOKEN_PATH, json(answer))
    const token = await getValidAccessToken(t.ctx)
    expect(token).toBe(answer.access_token)
    expect(t.fetch.calls(TOKEN_PATH)[0]!.form).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt_original0123456789', client_id: CLIENT_ID })
    const saved = authFile()
    expect(saved.accessToken).toBe(answer.access_token)
    expect(saved.refreshToken).toBe(answer.refresh_token)
    expect(saved.expiresAt).toBe(Math.floor((t.clock.now() + 300_000) / 1000) * 1000)
    expect(saved.tokenEndpoint).toBe(TOKEN_ENDPOINT) // the rest of the session is kept
    expect(existsSync(join(t.home, 'auth-refresh.lock'))).toBe(false)
    t.fetch.verify()
  })

  test('parallel callers in one process share one refresh', async () => {
    await loggedIn(-1_000)
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now())))
    const tokens = await Promise.all(Array.from({ length: 5 }, () => getValidAccessToken(t.ctx)))
    expect(new Set(tokens).size).toBe(1)
    expect(t.fetch.calls(TOKEN_PATH)).toHaveLength(1)
  })

  test('without credentials: not logged in, exit 4, no request', async () => {
    t = createTestContext()
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.exitCode).toBe(EXIT.auth)
    expect(error.message).toContain('Not logged in to Pensar Console.')
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('PENSAR_API_KEY wins over a stored session, trimmed', async () => {
    await loggedIn(-1_000, { env: { PENSAR_API_KEY: '  psk_fromenv123\n' } })
    expect(await getValidAccessToken(t.ctx)).toBe('psk_fromenv123')
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('a stored API key is used as is and never refreshed', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_stored123')
    expect(await getValidAccessToken(t.ctx)).toBe('psk_stored123')
    expect(t.fetch.requests).toHaveLength(0)
  })
})

describe('failures keep a good session', () => {
  test.each([
    ['the network is down', networkError('ECONNREFUSED')],
    ['a 503', () => json({ error: 'server_error' }, 503)],
    ['a 500 with an HTML page', () => new Response('<html><body>Bad gateway</body></html>', { status: 500, headers: { 'content-type': 'text/html' } })],
    ['a 200 with an HTML page', () => new Response('<!doctype html><p>captive portal</p>', { status: 200, headers: { 'content-type': 'text/html' } })],
    ['a 401 invalid_client', () => oauthError('invalid_client', 401)],
  ])('%s during refresh: clear error, exit 1, auth.json untouched', async (_name, responder) => {
    await loggedIn(-5_000)
    const before = readFileSync(join(t.home, 'auth.json'), 'utf8')
    t.fetch.on('POST', TOKEN_PATH, responder)
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(PensarError)
    expect(error.exitCode).toBe(EXIT.error)
    expect(error.message).toStartWith('Could not renew the Pensar Console session')
    expect(error.hint).toContain('Your login is kept')
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(before)
    expect(existsSync(join(t.home, 'auth-refresh.lock'))).toBe(false)
  })

  test('a failed early refresh falls back to the still-valid token', async () => {
    await loggedIn(30_000)
    t.fetch.on('POST', TOKEN_PATH, networkError())
    expect(await getValidAccessToken(t.ctx)).toBe(authFile().accessToken)
  })

  test('the next call after a network failure refreshes with the same refresh token', async () => {
    await loggedIn(-5_000)
    t.fetch.on('POST', TOKEN_PATH, networkError())
    await getValidAccessToken(t.ctx).catch(() => {})
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now())))
    await getValidAccessToken(t.ctx)
    expect(t.fetch.calls(TOKEN_PATH).map((r) => r.form?.refresh_token)).toEqual(['rt_original0123456789', 'rt_original0123456789'])
  })
})

describe('invalid_grant ends the session', () => {
  test('prints nothing itself, throws the expiry notice (exit 4) and forgets the tokens', async () => {
    await loggedIn(-5_000)
    t.fetch.on('POST', TOKEN_PATH, oauthError('invalid_grant'))
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(SessionExpiredError)
    expect(error.message).toBe(SESSION_EXPIRED_MESSAGE)
    expect(error.message).toBe('Your Pensar Console session has expired. Run `pensar login` to reconnect.')
    expect(error.exitCode).toBe(EXIT.auth)
    expect(error.hint).toBeUndefined()
    const auth = authFile()
    expect(auth.accessToken).toBeUndefined()
    expect(auth.refreshToken).toBeUndefined()
    expect(auth.signingKey).toBeUndefined()
    expect(typeof auth.sessionExpiredAt).toBe('number')
    expect(configFile().workspace).toEqual(WORKSPACE) // who and where stay, for `status`
    expect(configFile().user).toEqual(USER)
    expect(t.ui.lines).toHaveLength(0)
  })

  test('a new login written during the refresh is not wiped by its invalid_grant', async () => {
    await loggedIn(-5_000)
    const newLogin = accessTokenExpiringIn(t.clock.now(), 300_000, { n: 'new' })
    t.fetch.on('POST', TOKEN_PATH, async () => {
      // `pensar login` in another terminal finished just now (it does not take the lock).
      await seedWorkosSession(t.ctx, { accessToken: newLogin, refreshToken: 'rt_newlogin0123456789' })
      return oauthError('invalid_grant')
    })
    expect(await getValidAccessToken(t.ctx)).toBe(newLogin)
    expect(authFile().refreshToken).toBe('rt_newlogin0123456789')
  })

  test('a new login written during a successful refresh is kept; the old session\'s tokens are not written over it', async () => {
    await loggedIn(-5_000)
    const newLogin = accessTokenExpiringIn(t.clock.now(), 300_000, { n: 'new' })
    t.fetch.on('POST', TOKEN_PATH, async () => {
      await seedWorkosSession(t.ctx, { accessToken: newLogin, refreshToken: 'rt_newlogin0123456789' })
      return json(refreshedTokens(t.clock.now()))
    })
    expect(await getValidAccessToken(t.ctx)).toBe(newLogin)
    expect(authFile().refreshToken).toBe('rt_newlogin0123456789')
  })

  test('later commands get the same notice without asking the Console', async () => {
    await loggedIn(-5_000)
    t.fetch.on('POST', TOKEN_PATH, oauthError('invalid_grant'))
    await getValidAccessToken(t.ctx).catch(() => {})
    const again = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(again).toBeInstanceOf(SessionExpiredError)
    expect(t.fetch.requests).toHaveLength(1)
  })
})

describe('under the lock', () => {
  test('uses the token another process stored instead of refreshing again', async () => {
    await loggedIn(200_000)
    const fresh = authFile().accessToken
    // This process saw `stale` rejected; meanwhile another process stored `fresh`.
    const creds = await renewAfterRejection(t.ctx, 'eyJ.stale.token')
    expect(creds.token).toBe(fresh)
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('a 401 on a token that is still the stored one refreshes it', async () => {
    await loggedIn(200_000)
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now(), 2)))
    const creds = await renewAfterRejection(t.ctx, authFile().accessToken)
    expect(creds.token).toBe(refreshedTokens(t.clock.now(), 2).access_token)
  })

  test('a caller that stops waiting does not abort the grant: the refresh finishes and saves the rotated token', async () => {
    await loggedIn(-5_000)
    const deadline = new AbortController()
    t.fetch.on('POST', TOKEN_PATH, () => {
      deadline.abort(new PensarError('out of time')) // while the Console is answering
      return json(refreshedTokens(t.clock.now()))
    })
    const error = await getValidCredentials(t.ctx, { signal: deadline.signal }).catch((e) => e)
    expect(error.message).toBe('out of time')
    await t.ctx.background.settled()
    expect(authFile().refreshToken).toBe(refreshedTokens(t.clock.now()).refresh_token)
    expect(authFile().accessToken).toBe(refreshedTokens(t.clock.now()).access_token)
    expect(existsSync(join(t.home, 'auth-refresh.lock'))).toBe(false)
  })

  test('Ctrl-C while the Console answers the grant: the caller is cancelled at once, the grant is not, and its tokens are saved before exit', async () => {
    await loggedIn(-5_000)
    let answer!: () => void
    const answered = new Promise<void>((resolve) => (answer = resolve))
    t.fetch.on('POST', TOKEN_PATH, async () => {
      t.abort.abort(new CancelledError()) // Ctrl-C, with the request at the Console
      await answered
      return json(refreshedTokens(t.clock.now()))
    })
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(authFile().refreshToken).toBe('rt_original0123456789') // not answered yet
    answer()
    await t.ctx.background.settled() // what main() does before the process exits
    expect(authFile().refreshToken).toBe(refreshedTokens(t.clock.now()).refresh_token)
    expect(authFile().sessionExpiredAt).toBeUndefined()
    expect(existsSync(join(t.home, 'auth-refresh.lock'))).toBe(false)
  })

  test('Ctrl-C while waiting for another process\'s lock: cancelled, nothing sent', async () => {
    await loggedIn(-5_000)
    writeFileSync(join(t.home, 'auth-refresh.lock'), JSON.stringify({ pid: process.pid, host: hostname(), createdAt: Date.now(), id: 'other' }))
    const waiting = getValidAccessToken(t.ctx).catch((e) => e)
    t.abort.abort(new CancelledError())
    expect(await waiting).toBeInstanceOf(CancelledError)
    await t.ctx.background.settled()
    expect(t.fetch.requests).toHaveLength(0)
    expect(authFile().refreshToken).toBe('rt_original0123456789')
  })

  test('a lock left by a dead process does not block the refresh', async () => {
    await loggedIn(-5_000)
    const dead = Bun.spawnSync(['true']).pid
    writeFileSync(join(t.home, 'auth-refresh.lock'), JSON.stringify({ pid: dead, host: hostname(), createdAt: Date.now(), id: 'x' }))
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now())))
    await getValidAccessToken(t.ctx)
    expect(existsSync(join(t.home, 'auth-refresh.lock'))).toBe(false)
  })
})

describe('clock skew', () => {
  const serverDate = (ms: number) => ({ date: new Date(ms).toUTCString() })

  test('a local clock 10 minutes fast refreshes once, then trusts the server clock', async () => {
    t = createTestContext()
    const serverNow = t.clock.now()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(serverNow, 300_000) })
    t.clock.advance(600_000) // our clock runs 10 minutes ahead of the Console's
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(serverNow), 200, serverDate(serverNow)))
    await getValidAccessToken(t.ctx) // looks expired by our clock: one refresh, which teaches the skew
    expect(Math.abs(configFile().clockSkewMs + 600_000)).toBeLessThanOrEqual(1_500)
    // A later process (fresh Context, same home, same fast clock) knows the skew from config.json.
    const later = contextSharingHome(t.home)
    later.clock.advance(600_000)
    try {
      expect(await getValidAccessToken(later.ctx)).toBe(refreshedTokens(serverNow).access_token)
      expect(later.fetch.requests).toHaveLength(0)
    } finally {
      later.cleanup()
    }
  })

  test('a local clock 10 minutes slow still refreshes a token the server sees expiring', async () => {
    t = createTestContext()
    const serverNow = t.clock.now() + 600_000
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(serverNow, 30_000), extraConfig: { clockSkewMs: 600_000 } })
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(serverNow), 200, serverDate(serverNow)))
    expect(await getValidAccessToken(t.ctx)).toBe(refreshedTokens(serverNow).access_token)
  })
})

describe('bad files', () => {
  test.each([
    ['refreshToken', 42, '`refreshToken` should be a string, not a number'],
    ['accessToken', null, '`accessToken` should be a string, not null'],
    ['expiresAt', '2026-01-01', '`expiresAt` should be a number, not a string'],
    ['authType', 'oauth', '`authType` is "oauth"'],
  ])('a wrong-typed %s is reported (exit 4) and the file is left as it was', async (field, value, problem) => {
    await loggedIn(200_000)
    const path = join(t.home, 'auth.json')
    const damaged = JSON.stringify({ ...authFile(), [field]: value })
    writeFileSync(path, damaged)
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.message).toContain(path)
    expect(error.message).toContain(problem)
    expect(error.hint).toContain('pensar login')
    expect(readFileSync(path, 'utf8')).toBe(damaged)
  })

  test('a session without the token endpoint cannot be renewed: exit 4 with what to do, file kept', async () => {
    await loggedIn(-5_000)
    const path = join(t.home, 'auth.json')
    const { tokenEndpoint: _gone, ...rest } = authFile()
    writeFileSync(path, JSON.stringify(rest))
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.message).toContain('lacks the token endpoint')
    expect(authFile().refreshToken).toBe('rt_original0123456789')
    expect(t.fetch.requests).toHaveLength(0)
  })

  test('a truncated auth.json reads as logged out, kept aside with a warning', async () => {
    await loggedIn(200_000)
    const path = join(t.home, 'auth.json')
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40))
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(t.ui.text).toContain('.corrupt-')
  })

  test('an API key with whitespace inside PENSAR_API_KEY is refused clearly', async () => {
    t = createTestContext({ env: { vars: { PENSAR_API_KEY: 'psk_abc def' } } })
    const error = await getValidAccessToken(t.ctx).catch((e) => e)
    expect(error.message).toContain('PENSAR_API_KEY')
    expect(error.message).toContain('spaces')
    expect(error.message).not.toContain('psk_abc')
  })
})

describe('short-lived tokens', () => {
  test('a 4 s token is renewed in its second half, not on every call', async () => {
    t = createTestContext()
    const now = Math.ceil(t.clock.now() / 1000) * 1000
    const short = fakeJwt({ iat: now / 1000, exp: now / 1000 + 4 })
    await seedWorkosSession(t.ctx, { accessToken: short })
    t.clock.advance(now - t.clock.now() + 1_000)
    expect(await getValidAccessToken(t.ctx)).toBe(short)
    t.clock.advance(1_500)
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now())))
    expect(await getValidAccessToken(t.ctx)).not.toBe(short)
    t.fetch.verify()
  })

  test('under the lock, a token another process renewed is used even inside the margin', async () => {
    t = createTestContext()
    const now = Math.ceil(t.clock.now() / 1000) * 1000
    const renewedByOther = fakeJwt({ iat: now / 1000 - 3, exp: now / 1000 + 1 })
    await seedWorkosSession(t.ctx, { accessToken: renewedByOther })
    t.clock.advance(now - t.clock.now())
    const creds = await renewAfterRejection(t.ctx, 'eyJ.older.token')
    expect(creds.token).toBe(renewedByOther)
    expect(t.fetch.requests).toHaveLength(0)
  })
})
