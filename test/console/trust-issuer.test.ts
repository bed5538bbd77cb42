import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startConsole, type RunningConsole } from '../../console/server.ts'
import { consoleControl, startTestConsole, type TestConsole } from '../helpers/console.ts'
import { TEST_CLIENT_ID } from '../../console/app.ts'
import { authorizeDevice, bearer, getJson, loginAs, pollToken } from './oauth-client.ts'

// The external identity provider is a second Console, started in-process.
let provider: RunningConsole
let providerControl: TestConsole['control']
let pc: TestConsole

beforeAll(async () => {
  provider = await startConsole({ port: 0, db: ':memory:', dev: true })
  providerControl = consoleControl(provider.url)
  pc = await startTestConsole(['--seed', 'demo', '--trust-issuer', provider.url])
}, 30_000)
afterAll(async () => {
  await pc.stop()
  await provider.stop()
})

describe('--trust-issuer', () => {
  test('names the external issuer in /api/cli/config', async () => {
    const config = await getJson(`${pc.url}/api/cli/config`)
    expect(config.body.issuer).toBe(provider.url)
    expect(config.body.consoleUrl).toBe(pc.url)
  })

  test('accepts the provider\'s access tokens and maps the email to a user created on first sight', async () => {
    const tokens = await loginAs(provider.url, (code) => providerControl.approve(code, 'sso-person@corp.example'))
    const first = await getJson(`${pc.url}/api/cli/workspaces`, bearer(tokens.access_token))
    expect(first.status).toBe(200)
    expect(first.body.workspaces).toHaveLength(1)
    const again = await getJson(`${pc.url}/api/cli/workspaces`, bearer(tokens.access_token))
    expect(again.body.workspaces[0].id).toBe(first.body.workspaces[0].id)
  })

  test('an existing user logging in through the provider sees their own workspaces', async () => {
    const tokens = await loginAs(provider.url, (code) => providerControl.approve(code, 'demo@pensar.local'))
    const list = await getJson(`${pc.url}/api/cli/workspaces`, bearer(tokens.access_token))
    expect(list.body.workspaces.map((w: { slug: string }) => w.slug)).toEqual(['acme', 'low-balance', 'no-billing'])
  })

  test('a token with a forged signature or from an untrusted issuer is refused', async () => {
    const tokens = await loginAs(provider.url, (code) => providerControl.approve(code, 'demo@pensar.local'))
    const [h, p] = tokens.access_token.split('.')
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, email: 'admin@pensar.local' })).toString('base64url')
    const forged = `${h}.${forgedPayload}.${tokens.access_token.split('.')[2]}`
    expect((await getJson(`${pc.url}/api/cli/workspaces`, bearer(forged))).status).toBe(401)

    const untrusted = await startConsole({ port: 0, db: ':memory:', dev: true })
    try {
          const other = await loginAs(untrusted.url, (code) => consoleControl(untrusted.url).approve(code, 'demo@pensar.local'))
      const refused = await getJson(`${pc.url}/api/cli/workspaces`, bearer(other.access_token))
      expect([refused.status, refused.body.error]).toEqual([401, 'invalid_token'])
    } finally {
      await untrusted.stop()
    }
  })

  test('a provider token issued to another application of the provider is refused', async () => {
    const auth = await authorizeDevice(provider.url, TEST_CLIENT_ID)
    await providerControl.approve(auth.user_code, 'demo@pensar.local')
    const { body } = await pollToken(provider.url, auth.device_code, TEST_CLIENT_ID)
    const refused = await getJson(`${pc.url}/api/cli/workspaces`, bearer(body.access_token))
    expect([refused.status, refused.body.error]).toEqual([401, 'invalid_token'])
  })

  test('the Console\'s own tokens keep working', async () => {
    const own = await loginAs(pc.url, (code) => pc.control.approve(code, 'demo@pensar.local'))
    expect((await getJson(`${pc.url}/api/cli/workspaces`, bearer(own.access_token))).status).toBe(200)
  })
})
