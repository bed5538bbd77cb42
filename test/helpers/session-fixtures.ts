// A stored WorkOS session for flow tests of the session lifecycle (refresh, status, logout),
// written through the real store, with access tokens whose `exp` a test chooses.
import type { Context } from '../../src/context'
import { TEST_API } from './context'

export const TOKEN_ENDPOINT = `${TEST_API}/user_management/authenticate`
export const REVOCATION_ENDPOINT = `${TEST_API}/oauth/revoke`
export const CLIENT_ID = 'client_cli'
export const USER = { id: 'user_1', email: 'demo@pensar.local' }
export const WORKSPACE = { id: 'ws_acme', name: 'Acme', slug: 'acme' }
export const SIGNING = 'sk_signingsecret0123456789'

/** An unsigned JWT: the CLI never verifies signatures, only reads claims. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'ES256', typ: 'JWT' })}.${part({ sub: USER.id, sid: 'ses_1', email: USER.email, ...claims })}.c2ln`
}

/** An access token expiring `inMs` after `now` (epoch ms), issued with a 5-minute lifetime. */
export function accessTokenExpiringIn(now: number, inMs: number, extra: Record<string, unknown> = {}): string {
  const exp = Math.floor((now + inMs) / 1000)
  return fakeJwt({ iat: exp - 300, exp, ...extra })
}

export interface SeedOptions {
  accessToken: string
  refreshToken?: string
  extraConfig?: Record<string, unknown>
}

export async function seedWorkosSession(ctx: Context, opts: SeedOptions): Promise<void> {
  await ctx.store.saveSession({
    config: { apiUrl: TEST_API, authType: 'workos', user: USER, workspace: WORKSPACE, gatewayUrl: TEST_API, consoleUrl: TEST_API, ...opts.extraConfig },
    auth: {
      authType: 'workos',
      accessToken: opts.accessToken,
      refreshToken: opts.refreshToken ?? 'rt_original0123456789',
      tokenType: 'Bearer',
      signingKey: SIGNING,
      clientId: CLIENT_ID,
      issuer: TEST_API,
      tokenEndpoint: TOKEN_ENDPOINT,
      revocationEndpoint: REVOCATION_ENDPOINT,
    },
  })
}

export async function seedApiKeySession(ctx: Context, apiKey: string, withWorkspace = true): Promise<void> {
  await ctx.store.saveSession({
    config: { apiUrl: TEST_API, authType: 'api-key', ...(withWorkspace ? { user: USER, workspace: WORKSPACE, gatewayUrl: TEST_API } : {}) },
    auth: { authType: 'api-key', apiKey, ...(withWorkspace ? { signingKey: SIGNING } : {}) },
  })
}

/** A token response, as the Console's refresh grant answers. */
export function refreshedTokens(now: number, n = 1, ttlMs = 300_000) {
  return { access_token: accessTokenExpiringIn(now, ttlMs, { n }), refresh_token: `rt_rotated${n}_0123456789`, token_type: 'Bearer', expires_in: ttlMs / 1000 }
}
