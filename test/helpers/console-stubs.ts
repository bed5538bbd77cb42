// Canned Console answers (docs/console-api.md) for flow tests on FakeFetch.
import type { FakeFetch } from './fake-fetch'
import { json, oauthError } from './fake-fetch'
import { TEST_API } from './context'

export const CONSOLE_URL = 'https://console.test.pensar'
export const DEVICE_CODE = 'dc_secretdevicecode0123456789abcdefghijklmnop'
export const USER_CODE = 'BCDF-GHJK'
export const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl'
export const REFRESH_TOKEN = 'rt_refreshsecret0123456789'
export const SIGNING_KEY = 'sk_signingsecret0123456789'

export const ACME = { id: 'ws_acme', name: 'Acme', slug: 'acme', balance: 50, hasPaymentMethod: true }
export const NO_BILLING = { id: 'ws_nob', name: 'No Billing', slug: 'no-billing', balance: 0, hasPaymentMethod: false }
export const LOW = { id: 'ws_low', name: 'Low Balance', slug: 'low-balance', balance: 0.42, hasPaymentMethod: true }

export function stubDiscovery(fetch: FakeFetch) {
  fetch.on('GET', '/api/cli/config', json({ clientId: 'client_cli', workosClientId: 'client_cli', issuer: TEST_API, consoleUrl: CONSOLE_URL }))
  fetch.on('GET', '/.well-known/openid-configuration', json({
    issuer: TEST_API,
    device_authorization_endpoint: `${TEST_API}/user_management/authorize/device`,
    token_endpoint: `${TEST_API}/user_management/authenticate`,
    revocation_endpoint: `${TEST_API}/oauth/revoke`,
  }))
}

export function deviceCodeBody(overrides: Record<string, unknown> = {}) {
  return {
    device_code: DEVICE_CODE,
    user_code: USER_CODE,
    verification_uri: `${CONSOLE_URL}/device`,
    verification_uri_complete: `${CONSOLE_URL}/device?user_code=${USER_CODE}`,
    expires_in: 600,
    interval: 5,
    ...overrides,
  }
}

export function stubDeviceCode(fetch: FakeFetch, overrides: Record<string, unknown> = {}) {
  fetch.on('POST', '/user_management/authorize/device', json(deviceCodeBody(overrides)))
}

export function tokenBody(overrides: Record<string, unknown> = {}) {
  return { access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, token_type: 'Bearer', expires_in: 300, user: { id: 'user_1', email: 'demo@pensar.local' }, ...overrides }
}

export function stubPolls(fetch: FakeFetch, pendingCount: number, final = json(tokenBody())) {
  if (pendingCount > 0) fetch.on('POST', '/user_management/authenticate', oauthError('authorization_pending'), pendingCount)
  fetch.on('POST', '/user_management/authenticate', final)
}

export function stubWorkspaces(fetch: FakeFetch, workspaces: unknown[], times = 1) {
  fetch.on('GET', '/api/cli/workspaces', json({ workspaces, consoleUrl: CONSOLE_URL }), times)
}

export function stubSelect(fetch: FakeFetch, ws: typeof ACME) {
  fetch.on('POST', '/api/cli/select-workspace', json({
    confirmed: true,
    workspace: { id: ws.id, name: ws.name, slug: ws.slug },
    billing: { balance: ws.balance, hasPaymentMethod: ws.hasPaymentMethod, ready: ws.hasPaymentMethod && ws.balance > 0 },
    billingUrl: `${CONSOLE_URL}/${ws.slug}/settings/billing`,
    signingKey: SIGNING_KEY,
    gatewayUrl: 'https://gateway.test.pensar',
  }))
}

/** Discovery, a code, `pendingCount` pending polls, then tokens, workspaces and the selection; `deviceCode` and `token` override fields of those answers. */
export function stubHappyPath(fetch: FakeFetch, opts: { pending?: number; workspaces?: (typeof ACME)[]; select?: typeof ACME; deviceCode?: Record<string, unknown>; token?: Record<string, unknown> } = {}) {
  const workspaces = opts.workspaces ?? [ACME]
  stubDiscovery(fetch)
  stubDeviceCode(fetch, opts.deviceCode)
  stubPolls(fetch, opts.pending ?? 2, json(tokenBody(opts.token)))
  stubWorkspaces(fetch, workspaces)
  stubSelect(fetch, opts.select ?? workspaces[0]!)
}
