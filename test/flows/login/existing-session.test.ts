import { afterEach, describe, expect, test } from 'bun:test'
import { readStoredSession } from '../../../src/flows/login/existing-session'
import { readReplacedSession } from '../../../src/flows/login/persist-login'
import { createTestContext, type TestContext } from '../../helpers/context'
import { fakeKeychain, FakeSecrets } from '../../helpers/fake-keychain'
import { accessTokenExpiringIn, seedWorkosSession } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

/** A session in the OS keychain, which then stops answering. */
async function unreadableSession() {
  const secrets = new FakeSecrets()
  t = createTestContext({ keychain: fakeKeychain(secrets).keychain, credentialMode: 'keychain' })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 60_000) })
  secrets.state = 'unavailable'
  return t
}

describe('a stored session that cannot be read', () => {
  test('before a login: said, with what the login does about it, and read as none', async () => {
    await unreadableSession()
    expect(await readStoredSession(t.ctx)).toBeUndefined()
    expect(t.ui.lines.filter((l) => l.kind === 'warn').map((l) => l.text)).toEqual([expect.stringMatching(/^.+ Logging in again replaces that session\.$/)])
  })

  test('when a login saves over it: said, with the session left alive at the Console, and read as none', async () => {
    await unreadableSession()
    expect(await readReplacedSession(t.ctx)).toBeUndefined()
    expect(t.ui.lines.filter((l) => l.kind === 'warn').map((l) => l.text)).toEqual([expect.stringMatching(/^.+ The new login replaces that session without ending it at Pensar Console\.$/)])
  })
})
