// The compiled binary logs in through an external OpenID provider that signs with RS256, as
// WorkOS, Okta, Auth0, Entra ID and Keycloak do by default, against a Console started with
// --trust-issuer: login, status online, refresh at the provider, logout (docs/console-api.md §8).
// The provider is a second Console, in-process, signing with RS256.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { startConsole as startInProcess, type RunningConsole } from '../../console/server.ts'
import { binarySuite } from '../helpers/binary-suite'
import { consoleControl } from '../helpers/console'
import { runPensar } from '../helpers/run-pensar'
import { untilJwtExpired } from '../helpers/wait-until'
import { refresh } from '../console/oauth-client'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-trust-int-')

let provider: RunningConsole
beforeAll(async () => {
  provider = await startInProcess({ port: 0, db: ':memory:', dev: true, intervalSeconds: 0.2, accessTtlSeconds: 4, signingAlg: 'RS256' })
})
afterAll(() => provider?.stop())

async function pensar(home: string, args: string[]) {
  const result = await (await runPensar([...args, '--json'], { home })).done(60_000)
  const last = result.stdout.trim().split('\n').filter(Boolean).at(-1)
  return { ...result, report: last ? (JSON.parse(last) as Record<string, any>) : undefined }
}

describe('--trust-issuer with an RS256 provider (compiled binary)', () => {
  test('login at the provider, status online, refresh at the provider, logout', async () => {
    const pc = await startConsole(['--interval', '0.2', '--seed', 'demo', '--trust-issuer', provider.url])
    const providerControl = consoleControl(provider.url)
    const home = mkdtempSync(join(root, 'home-'))
    const pensarHome = join(home, '.pensar')
    const auth = () => JSON.parse(readFileSync(join(pensarHome, 'auth.json'), 'utf8')) as Record<string, any>

    const login = await runPensar(['login', '--json', '--no-browser', '--api-url', pc.url, '--workspace', 'acme'], { home })
    const code = await login.waitForEvent('device_code')
    expect(String(code.verification_uri)).toStartWith(provider.url)
    await providerControl.approve(String(code.user_code), 'demo@pensar.local')
    const loggedIn = await login.done(60_000)
    expect({ code: loggedIn.code, stderr: loggedIn.stderr }).toMatchObject({ code: 0 })
    expect(loggedIn.events.at(-1)).toMatchObject({ event: 'logged_in', user: { email: 'demo@pensar.local' }, workspace: { slug: 'acme' } })
    const first = auth()
    expect(first).toMatchObject({ issuer: provider.url, tokenEndpoint: `${provider.url}/user_management/authenticate`, revocationEndpoint: `${provider.url}/oauth/revoke` })
    expect(decodeProtectedHeader(first.accessToken).alg).toBe('RS256')
    expect(decodeJwt(first.accessToken).iss).toBe(provider.url)

    const online = await pensar(home, ['status'])
    expect(online.code).toBe(0)
    expect(online.report).toMatchObject({ loggedIn: true, workspace: { slug: 'acme' }, online: { ok: true, balance: 50, billingReady: true } })

    await providerControl.resetStats()
    await untilJwtExpired(first.accessToken)
    const renewed = await pensar(home, ['status'])
    expect(renewed.code).toBe(0)
    expect(renewed.report).toMatchObject({ loggedIn: true, online: { ok: true, balance: 50 } })
    expect((await providerControl.stats()).refreshes).toBe(1)
    const second = auth()
    expect(second.accessToken).not.toBe(first.accessToken)
    expect(decodeProtectedHeader(second.accessToken).alg).toBe('RS256')

    const logout = await pensar(home, ['logout'])
    expect(logout.code).toBe(0)
    expect((await providerControl.stats()).revocations).toBe(1)
    expect(existsSync(join(pensarHome, 'auth.json'))).toBe(false)
    expect((await refresh(provider.url, second.refreshToken)).body.error).toBe('invalid_grant')
  }, TIMEOUT)
})
