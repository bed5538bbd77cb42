import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { authorizeDevice, bearer, getJson, pollToken, postForm, postJson, CLIENT_ID, DEVICE_GRANT } from './oauth-client.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const DEMO = 'demo@pensar.local'
let pc: TestConsole

beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo', '--interval', '0.2'])
}, 30_000)
afterAll(() => pc.stop())

function decodeJwtPart(token: string, index: number) {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString())
}

describe('device authorization', () => {
  test('issues a device code with a readable user code and verification URIs', async () => {
    const auth = await authorizeDevice(pc.url)
    expect(auth.device_code.length).toBeGreaterThanOrEqual(43)
    expect(auth.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(auth.verification_uri).toBe(`${pc.url}/device`)
    expect(auth.verification_uri_complete).toBe(`${pc.url}/device?user_code=${auth.user_code}`)
    expect(auth.expires_in).toBe(600)
    expect(auth.interval).toBe(0.2)
  })

  test('accepts JSON as well as form bodies', async () => {
    const { status, body } = await postJson(`${pc.url}/user_management/authorize/device`, { client_id: CLIENT_ID })
    expect(status).toBe(200)
    expect(body.user_code).toBeString()
  })

  test('rejects a missing client_id with invalid_request and an unknown one with invalid_client', async () => {
    const missing = await postForm(`${pc.url}/user_management/authorize/device`, {})
    expect(missing.status).toBe(400)
    expect(missing.body.error).toBe('invalid_request')
    const unknown = await postForm(`${pc.url}/user_management/authorize/device`, { client_id: 'client_nope' })
    expect(unknown.status).toBe(401)
    expect(unknown.body.error).toBe('invalid_client')
  })

  test('happy path: pending, approve, an ES256 access token bound to a session, then the CLI API works', async () => {
    const auth = await authorizeDevice(pc.url)
    const pending = await pollToken(pc.url, auth.device_code)
    expect(pending.status).toBe(400)
    expect(pending.body.error).toBe('authorization_pending')
    expect(pending.headers.get('cache-control')).toBe('no-store')

    const listed = await pc.control.pending()
    expect(listed.codes.map((c) => c.user_code)).toContain(auth.user_code)
    // The code is matched case-insensitively and without the dash.
    await pc.control.approve(auth.user_code.replace('-', '').toLowerCase(), DEMO)

    const granted = await pollToken(pc.url, auth.device_code)
    expect(granted.status).toBe(200)
    expect(granted.headers.get('cache-control')).toBe('no-store')
    expect(granted.headers.get('date')).toBeTruthy()
    const token = granted.body
    expect(token.token_type).toBe('Bearer')
    expect(token.expires_in).toBe(300)
    expect(token.refresh_token).toStartWith('rt_')
    expect(token.user.email).toBe(DEMO)
    const header = decodeJwtPart(token.access_token, 0)
    const claims = decodeJwtPart(token.access_token, 1)
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' })
    expect(claims).toMatchObject({ iss: pc.url, sub: token.user.id, email: DEMO, client_id: CLIENT_ID })
    expect(claims.sid).toStartWith('sess_')
    expect(claims.exp - claims.iat).toBe(300)

    const workspaces = await getJson(`${pc.url}/api/cli/workspaces`, bearer(token.access_token))
    expect(workspaces.status).toBe(200)
    expect(workspaces.body.workspaces.map((w: { slug: string }) => w.slug)).toEqual(['acme', 'low-balance', 'no-billing'])
  })

  test('the access token verifies against the published JWKS', async () => {
    const auth = await authorizeDevice(pc.url)
    await pc.control.approve(auth.user_code, DEMO)
    const { body } = await pollToken(pc.url, auth.device_code)
    const discovery = await getJson(`${pc.url}/.well-known/openid-configuration`)
    const jwks = await getJson(discovery.body.jwks_uri)
    const jwk = jwks.body.keys[0]
    expect(jwk.kid).toBe(decodeJwtPart(body.access_token, 0).kid)
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
    const [h, p, s] = body.access_token.split('.')
    const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(s, 'base64url'), new TextEncoder().encode(`${h}.${p}`))
    expect(ok).toBe(true)
  })

  test('a device code is single use', async () => {
    const auth = await authorizeDevice(pc.url)
    await pc.control.approve(auth.user_code, DEMO)
    expect((await pollToken(pc.url, auth.device_code)).status).toBe(200)
    const again = await pollToken(pc.url, auth.device_code)
    expect(again.status).toBe(400)
    expect(again.body.error).toBe('invalid_grant')
  })

  test('denied codes answer access_denied on every later poll', async () => {
    const auth = await authorizeDevice(pc.url)
    await pc.control.deny(auth.user_code)
    for (let i = 0; i < 2; i++) {
      const { status, body } = await pollToken(pc.url, auth.device_code)
      expect(status).toBe(400)
      expect(body.error).toBe('access_denied')
    }
    // A decided code can no longer be approved.
    await expect(pc.control.approve(auth.user_code, DEMO)).rejects.toThrow(/404/)
  })

  test('unknown codes, codes of another client and unknown grant types are rejected', async () => {
    const unknown = await pollToken(pc.url, 'dc_not-a-real-code')
    expect(unknown.body.error).toBe('invalid_grant')
    const auth = await authorizeDevice(pc.url)
    const otherClient = await pollToken(pc.url, auth.device_code, 'client_pensar_test')
    expect(otherClient.status).toBe(400)
    expect(otherClient.body.error).toBe('invalid_grant')
    const grant = await postForm(`${pc.url}/user_management/authenticate`, { grant_type: 'password', client_id: CLIENT_ID })
    expect(grant.status).toBe(400)
    expect(grant.body.error).toBe('unsupported_grant_type')
    const noClient = await postForm(`${pc.url}/user_management/authenticate`, { grant_type: DEVICE_GRANT, device_code: auth.device_code })
    expect(noClient.body.error).toBe('invalid_request')
    const badClient = await pollToken(pc.url, auth.device_code, 'client_evil')
    expect(badClient.status).toBe(401)
    expect(badClient.body.error).toBe('invalid_client')
  })

  test('an unknown email approving becomes a new user with one workspace', async () => {
    const auth = await authorizeDevice(pc.url)
    await pc.control.approve(auth.user_code, 'newcomer@example.com')
    const { body } = await pollToken(pc.url, auth.device_code)
    const workspaces = await getJson(`${pc.url}/api/cli/workspaces`, bearer(body.access_token))
    expect(workspaces.body.workspaces).toHaveLength(1)
    expect(workspaces.body.workspaces[0]).toMatchObject({ balance: 0, hasPaymentMethod: false })
  })

  test('50 clients polling at once all get their own tokens', async () => {
    const auths = await Promise.all(Array.from({ length: 50 }, () => authorizeDevice(pc.url)))
    expect(new Set(auths.map((a) => a.user_code)).size).toBe(50)
    const emails = auths.map((_, i) => `load${i}@example.com`)
    const results = await Promise.all(
      auths.map(async (auth, i) => {
        let seenPending = false
        for (;;) {
          const { status, body } = await pollToken(pc.url, auth.device_code)
          if (status === 200) return { seenPending, email: body.user.email as string }
          if (body.error !== 'authorization_pending') throw new Error(`client ${i} got ${body.error}`)
          if (!seenPending) {
            seenPending = true
            await pc.control.approve(auth.user_code, emails[i]!)
            continue
          }
          await Bun.sleep(200) // the interval the client was given
        }
      }),
    )
    expect(results.map((r) => r.email)).toEqual(emails)
    expect(results.every((r) => r.seenPending)).toBe(true)
  }, 60_000)
})

describe('slow_down', () => {
  let slow: TestConsole
  beforeAll(async () => {
    slow = await startTestConsole(['--interval', '2'])
  }, 30_000)
  afterAll(() => slow.stop())

  test('a poll sooner than the interval gets slow_down, and the interval grows by 5 s each time', async () => {
    const auth = await authorizeDevice(slow.url)
    expect((await pollToken(slow.url, auth.device_code)).body.error).toBe('authorization_pending')
    const first = await pollToken(slow.url, auth.device_code)
    expect(first.status).toBe(400)
    expect(first.body).toMatchObject({ error: 'slow_down', interval: 7 })
    const second = await pollToken(slow.url, auth.device_code)
    expect(second.body).toMatchObject({ error: 'slow_down', interval: 12 })
    // Once approved, the token is handed out even to an impatient client.
    await slow.control.approve(auth.user_code, DEMO)
    expect((await pollToken(slow.url, auth.device_code)).status).toBe(200)
  })
})

describe('expiry', () => {
  let short: TestConsole
  beforeAll(async () => {
    short = await startTestConsole(['--device-ttl', '0.5', '--access-ttl', '1', '--interval', '0.1'])
  }, 30_000)
  afterAll(() => short.stop())


  test('an expired device code answers expired_token and can no longer be approved', async () => {
    const auth = await authorizeDevice(short.url)
    await waitUntil(async () => (await pollToken(short.url, auth.device_code)).body.error === 'expired_token', 'expired_token', 20_000)
    expect((await short.control.pending()).codes.map((c) => c.user_code)).not.toContain(auth.user_code)
    await expect(short.control.approve(auth.user_code, DEMO)).rejects.toThrow(/404/)
  }, 30_000)

  test('an expired access token is rejected with invalid_token and WWW-Authenticate', async () => {
    const auth = await authorizeDevice(short.url)
    await short.control.approve(auth.user_code, DEMO)
    const { body } = await pollToken(short.url, auth.device_code)
    expect(body.expires_in).toBe(1)
    let last: Awaited<ReturnType<typeof getJson>> | undefined
    await waitUntil(async () => {
      last = await getJson(`${short.url}/api/cli/workspaces`, bearer(body.access_token))
      return last.status === 401
    }, 'the access token to expire', 20_000)
    expect(last!.body.error).toBe('invalid_token')
    expect(last!.headers.get('www-authenticate')).toContain('invalid_token')
  }, 30_000)
})
