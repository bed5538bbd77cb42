// `pensar login token` starts the keychain read before its flow loads, and only for the stored
// session: PENSAR_API_KEY wins over it, so its secrets are then never read.
import { afterEach, expect, test } from 'bun:test'
import { tokenCommand } from '../../src/commands/token'
import { createTestContext, type TestContext } from '../helpers/context'
import { fakeKeychain, FakeSecrets } from '../helpers/fake-keychain'
import { accessTokenExpiringIn, seedWorkosSession } from '../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

async function keychainSession(vars: Record<string, string>) {
  const secrets = new FakeSecrets()
  t = createTestContext({ keychain: fakeKeychain(secrets).keychain, credentialMode: 'keychain', env: { vars } })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
  secrets.calls.length = 0
  return secrets
}

test('the stored session: one keychain read, started before the flow, serves it', async () => {
  const secrets = await keychainSession({})
  let readsWhenTheFlowRan = -1
  await tokenCommand(t.ctx, async (ctx) => {
    readsWhenTheFlowRan = secrets.calls.length
    await ctx.store.readAuth()
  }).run!({} as never)
  expect(readsWhenTheFlowRan).toBe(1)
  expect(secrets.calls.filter((c) => c.startsWith('get'))).toHaveLength(1)
})

test('PENSAR_API_KEY set: the keychain is not touched', async () => {
  const secrets = await keychainSession({ PENSAR_API_KEY: 'psk_live_0123456789abcdef0123456789abcdef' })
  await tokenCommand(t.ctx, async () => {}).run!({} as never)
  expect(secrets.calls).toEqual([])
})
