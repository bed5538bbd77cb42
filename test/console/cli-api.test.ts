import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { signedMessageRequest } from './gateway-signing.ts'
import { bearer, getJson, loginAs, postJson } from './oauth-client.ts'

let pc: TestConsole
let token: string
let workspaces: Array<{ id: string; slug: string; balance: number; hasPaymentMethod: boolean }>

beforeAll(async () => {
  pc = await startTestConsole(['--seed', 'demo'])
  token = (await loginAs(pc.url, (code) => pc.control.approve(code, 'demo@pensar.local'))).access_token
  workspaces = (await getJson(`${pc.url}/api/cli/workspaces`, bearer(token))).body.workspaces
}, 30_000)
afterAll(() => pc.stop())

const idOf = (slug: string) => workspaces.find((w) => w.slug === slug)!.id

describe('discovery', () => {
  test('config names the Console as issuer, and discovery points at its endpoints', async () => {
    const config = await getJson(`${pc.url}/api/cli/config`)
    expect(config.body).toEqual({ clientId: 'client_pensar_cli', workosClientId: 'client_pensar_cli', issuer: pc.url, consoleUrl: pc.url })
    const discovery = await getJson(`${pc.url}/.well-known/openid-configuration`)
    expect(discovery.body).toMatchObject({
      issuer: pc.url,
      device_authorization_endpoint: `${pc.url}/user_management/authorize/device`,
      token_endpoint: `${pc.url}/user_management/authenticate`,
      revocation_endpoint: `${pc.url}/oauth/revoke`,
      jwks_uri: `${pc.url}/.well-known/jwks.json`,
    })
    const workosPath = await getJson(`${pc.url}/sso/jwks/client_pensar_cli`)
    expect(workosPath.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    expect(workosPath.body.keys[0].d).toBeUndefined()
  })
})

describe('workspaces', () => {
  test('lists the demo workspaces by name with balances', () => {
    expect(workspaces.map((w) => [w.slug, w.balance, w.hasPaymentMethod])).toEqual([
      ['acme', 50, true], ['low-balance', 0.42, true], ['no-billing', 0, false],
    ])
  })

  test('select-workspace returns billing, a stable signing key and the billing URL', async () => {
    const first = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: idOf('acme') }, bearer(token))
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      confirmed: true,
      workspace: { slug: 'acme', name: 'Acme' },
      billing: { balance: 50, hasPaymentMethod: true, ready: true },
      billingUrl: `${pc.url}/acme/settings/billing`,
      gatewayUrl: pc.url,
    })
    expect(first.body.signingKey).toStartWith('sk_')
    const again = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: idOf('acme') }, bearer(token))
    expect(again.body.signingKey).toBe(first.body.signingKey)
    const unready = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: idOf('no-billing') }, bearer(token))
    expect(unready.body.billing).toEqual({ balance: 0, hasPaymentMethod: false, ready: false })
  })

  test('select-workspace: 403 for a non-member, 404 for an unknown id, 400 without or with a wrong-typed id', async () => {
    const { workspace } = await pc.control.createWorkspace('stranger@example.com', { name: 'Elsewhere', slug: 'elsewhere' })
    const foreign = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: workspace.id }, bearer(token))
    expect([foreign.status, foreign.body.error]).toEqual([403, 'forbidden'])
    const unknown = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: 'ws_nope' }, bearer(token))
    expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found'])
    const missing = await postJson(`${pc.url}/api/cli/select-workspace`, {}, bearer(token))
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request'])
    const wrongType = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: 42 }, bearer(token))
    expect([wrongType.status, wrongType.body.error]).toEqual([400, 'invalid_request'])
  })

  test('missing, malformed and foreign bearer tokens get 401 invalid_token', async () => {
    for (const headers of [{}, bearer('garbage'), bearer('a.b.c'), bearer('psk_unknown'), { authorization: 'Basic x' }]) {
      const { status, body, headers: h } = await getJson(`${pc.url}/api/cli/workspaces`, headers)
      expect([status, body.error]).toEqual([401, 'invalid_token'])
      expect(h.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    }
  })
})

describe('gateway and API keys', () => {
  test('validate needs X-Workspace-Id with a token and checks membership', async () => {
    const ok = await getJson(`${pc.url}/gateway/validate`, { ...bearer(token), 'x-workspace-id': idOf('low-balance') })
    expect(ok.body).toEqual({
      workspace: { id: idOf('low-balance'), name: 'Low Balance', slug: 'low-balance' },
      credits: { balance: 0.42 },
      billing: { ready: true, hasPaymentMethod: true },
      inference: { enabled: true },
    })
    expect((await getJson(`${pc.url}/gateway/validate`, bearer(token))).body.error).toBe('invalid_request')
  })

  test('an API key implies its workspace and validates on /auth/validate', async () => {
    const { apiKey } = await pc.control.createApiKey('acme', 'demo@pensar.local', 'test key')
    const listed = await getJson(`${pc.url}/api/cli/workspaces`, bearer(apiKey))
    expect(listed.body.workspaces.map((w: { slug: string }) => w.slug)).toEqual(['acme'])
    const validated = await getJson(`${pc.url}/auth/validate`, bearer(apiKey))
    expect(validated.body).toMatchObject({ valid: true, workspace: { slug: 'acme' }, user: { email: 'demo@pensar.local' }, billing: { ready: true } })
    expect((await getJson(`${pc.url}/gateway/validate`, bearer(apiKey))).body.workspace.slug).toBe('acme')
    const other = await getJson(`${pc.url}/gateway/validate`, { ...bearer(apiKey), 'x-workspace-id': idOf('no-billing') })
    expect(other.status).toBe(403)
    expect((await getJson(`${pc.url}/auth/validate`, bearer(token))).status).toBe(401)
  })

  test('signed messages: deducted and recorded; bad signatures, stale timestamps and replays refused; 402 without billing', async () => {
    const select = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: idOf('acme') }, bearer(token))
    const signingKey: string = select.body.signingKey
    const body = JSON.stringify({ model: 'pensar-small', messages: [{ role: 'user', content: 'hello' }] })
    const send = (headers: Record<string, string>, workspaceId = idOf('acme'), payload = body) =>
      fetch(`${pc.url}/gateway/v1/messages`, { method: 'POST', headers: { ...bearer(token), 'x-workspace-id': workspaceId, 'content-type': 'application/json', ...headers }, body: payload })

    const signed = signedMessageRequest(signingKey, body, 'pensar-small')
    const ok = await send(signed)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ model: 'pensar-small', usage: { cost: 0.01 } })
    const replay = await send(signed)
    expect(replay.status).toBe(401)
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_signature')
    const tampered = await send(signedMessageRequest(signingKey, body, 'pensar-small'), idOf('acme'), body.replace('hello', 'HELLO'))
    expect(tampered.status).toBe(401)
    const stale = await send(signedMessageRequest(signingKey, body, 'pensar-small', { timestamp: Math.floor(Date.now() / 1000) - 600 }))
    expect(stale.status).toBe(401)
    // Nonces are kept for replay checks: 64 hex characters at most.
    expect((await send(signedMessageRequest(signingKey, body, 'pensar-small', { nonce: 'a'.repeat(65) }))).status).toBe(401)
    expect((await send(signedMessageRequest(signingKey, body, 'pensar-small', { nonce: 'b'.repeat(64) }))).status).toBe(200)
    const balance = (await getJson(`${pc.url}/gateway/validate`, { ...bearer(token), 'x-workspace-id': idOf('acme') })).body.credits.balance
    expect(balance).toBe(49.98)

    const noBilling = await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: idOf('no-billing') }, bearer(token))
    const broke = await send(signedMessageRequest(noBilling.body.signingKey, body, 'pensar-small'), idOf('no-billing'))
    expect(broke.status).toBe(402)
    expect(((await broke.json()) as { error: string }).error).toBe('insufficient_credits')
  })

  test('setBilling through the control API shows up in the CLI API', async () => {
    await pc.control.setBilling('no-billing', { balance: 12.5, hasPaymentMethod: true })
    const validated = await getJson(`${pc.url}/gateway/validate`, { ...bearer(token), 'x-workspace-id': idOf('no-billing') })
    expect(validated.body.billing).toEqual({ ready: true, hasPaymentMethod: true })
    expect(validated.body.credits.balance).toBe(12.5)
  })
})

describe('answers that carry a secret are never cached', () => {
  test('select-workspace, /auth/validate, device codes, tokens, the legacy flow and the control API send Cache-Control: no-store', async () => {
    const { apiKey } = await pc.control.createApiKey('acme', 'demo@pensar.local', 'no-store check')
    const legacy = await postJson(`${pc.url}/auth/device/code`, {})
    await pc.control.approve(legacy.body.userCode, 'demo@pensar.local', 'acme')
    const answers = {
      'select-workspace': await postJson(`${pc.url}/api/cli/select-workspace`, { workspaceId: idOf('acme') }, bearer(token)),
      '/auth/validate': await getJson(`${pc.url}/auth/validate`, bearer(apiKey)),
      'authorize/device': await postJson(`${pc.url}/user_management/authorize/device`, { client_id: 'client_pensar_cli' }),
      'legacy code': legacy,
      'legacy token': await postJson(`${pc.url}/auth/device/token`, { deviceCode: legacy.body.deviceCode }),
      'control api-keys': await postJson(`${pc.url}/_console/api-keys`, { workspace: 'acme', email: 'demo@pensar.local' }),
      'control pending': await getJson(`${pc.url}/_console/device/pending`),
    }
    expect(answers['legacy token'].body.apiKey).toStartWith('psk_')
    for (const [what, answer] of Object.entries(answers)) {
      expect({ what, status: answer.status, cacheControl: answer.headers.get('cache-control') }).toEqual({ what, status: 200, cacheControl: 'no-store' })
    }
  })
})

