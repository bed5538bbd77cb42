import { afterEach, expect, test } from 'bun:test'
import { flowActions } from '../../src/interactive/actions'
import { createTestContext, type TestContext } from '../helpers/context'
import { json, networkError, oauthError } from '../helpers/fake-fetch'
import { accessTokenExpiringIn, seedApiKeySession, seedWorkosSession, TOKEN_ENDPOINT, WORKSPACE } from '../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

test('/login when connected opens the /login screen, not the device login', async () => {
  t = createTestContext({ interactive: true })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000) })
  t.fetch.on('GET', '/gateway/validate', json({ workspace: WORKSPACE, credits: { balance: 50 }, billing: { ready: true, hasPaymentMethod: true } }))
  t.ui.answer('What next?', 'back')
  expect(await flowActions.login(t.ctx)).toBe('back')
  expect(t.fetch.calls('/api/cli/config')).toEqual([])
})

test('/login when not connected starts the device login', async () => {
  t = createTestContext({ interactive: true })
  t.fetch.on('GET', '/api/cli/config', networkError('connection refused'), Infinity)
  await expect(flowActions.login(t.ctx)).rejects.toThrow('connection refused')
  expect(t.fetch.calls('/api/cli/config').length).toBeGreaterThan(0)
})

test('/login on a session the Console just ended says so and goes straight to the device login', async () => {
  t = createTestContext({ interactive: true })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), -60_000) })
  t.fetch.on('POST', TOKEN_ENDPOINT, oauthError('invalid_grant'))
  t.fetch.on('GET', '/api/cli/config', networkError('connection refused'), Infinity)
  await expect(flowActions.login(t.ctx)).rejects.toThrow('connection refused')
  expect(t.ui.text).toContain('warn: Your Pensar Console session has expired; logging in again.')
  expect(t.fetch.calls('/api/cli/config').length).toBeGreaterThan(0)
})

test('/login with a stored API key the Console rejects goes on to the device login instead of asking for /login again', async () => {
  t = createTestContext({ interactive: true })
  await seedApiKeySession(t.ctx, 'psk_revoked_0123456789')
  t.fetch.on('GET', '/gateway/validate', json({ error: 'invalid_api_key' }, 401), 2)
  t.fetch.on('GET', '/api/cli/config', networkError('connection refused'), Infinity)
  await expect(flowActions.login(t.ctx)).rejects.toThrow('connection refused')
  expect(t.ui.text).toContain('rejected by Pensar Console')
  expect(t.fetch.calls('/api/cli/config').length).toBeGreaterThan(0)
})
