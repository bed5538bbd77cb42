// Step 1: find where to run the device flow (docs/console-api.md §1).
//   config names an issuer        → that issuer's OpenID discovery document
//   config names only a client id → WorkOS's device endpoints
//   no config (404, not an object)→ the legacy flow on the API itself (yields an API key)
import type { Context } from '../../context'
import { asObject, optSafeUrl, optStr, str } from '../../lib/console-api'
import { PensarError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import { assertSafeUrl, unsafeUrlReason } from '../../lib/safe-url'

export const WORKOS_DEVICE_ENDPOINT = 'https://api.workos.com/user_management/authorize/device'
export const WORKOS_TOKEN_ENDPOINT = 'https://api.workos.com/user_management/authenticate'

export interface OAuthEndpoints {
  kind: 'oauth'
  clientId: string
  issuer?: string
  deviceAuthorizationEndpoint: string
  tokenEndpoint: string
  revocationEndpoint?: string
  consoleUrl?: string
}

export interface LegacyEndpoints {
  kind: 'legacy'
  deviceCodeUrl: string
  deviceTokenUrl: string
  consoleUrl?: string
}

export type Endpoints = OAuthEndpoints | LegacyEndpoints

export async function discoverEndpoints(ctx: Context, apiUrl: string): Promise<Endpoints> {
  if (unsafeUrlReason(apiUrl)) ctx.ui.warn(`${apiUrl} is not https: your login would travel unencrypted. Use an https:// address unless this is a test setup.`)
  const config = await readCliConfig(ctx, apiUrl)
  if (!config) return legacyEndpoints(apiUrl)
  const clientId = optStr(config, 'clientId') ?? optStr(config, 'workosClientId')
  const consoleUrl = optSafeUrl(config, 'consoleUrl')
  if (!clientId) throw new PensarError(`${apiUrl}/api/cli/config names no client id.`, { code: 'malformed_response', hint: 'Check --api-url / PENSAR_API_URL.' })
  const issuer = optStr(config, 'issuer')
  if (issuer) return { ...(await readIssuerMetadata(ctx, issuer)), clientId, consoleUrl }
  return { kind: 'oauth', clientId, deviceAuthorizationEndpoint: WORKOS_DEVICE_ENDPOINT, tokenEndpoint: WORKOS_TOKEN_ENDPOINT, consoleUrl }
}

async function readCliConfig(ctx: Context, apiUrl: string): Promise<Record<string, unknown> | undefined> {
  try {
    const body = await ctx.http.get<unknown>(`${apiUrl}/api/cli/config`)
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
  } catch (error) {
    // Older backends have no such route; an answer that is not JSON is treated the same way.
    if (error instanceof HttpError && (error.status === 404 || error.kind === 'malformed')) {
      ctx.log.debug(`no CLI config at ${apiUrl} (${error.message}); using the legacy device flow`)
      return undefined
    }
    throw error
  }
}

async function readIssuerMetadata(ctx: Context, issuer: string): Promise<Omit<OAuthEndpoints, 'clientId' | 'consoleUrl'>> {
  assertSafeUrl(issuer, 'issuer address')
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`
  const doc = asObject(await ctx.http.get<unknown>(url), 'the issuer discovery document')
  const what = 'the issuer discovery document'
  // The device code and tokens travel to these addresses: they must be https (or loopback).
  const endpoint = (key: string) => assertSafeUrl(str(doc, key, what), `${key.replaceAll('_', ' ')}`)
  const revocation = optStr(doc, 'revocation_endpoint')
  return {
    kind: 'oauth',
    issuer,
    deviceAuthorizationEndpoint: endpoint('device_authorization_endpoint'),
    tokenEndpoint: endpoint('token_endpoint'),
    revocationEndpoint: revocation ? assertSafeUrl(revocation, 'revocation endpoint') : undefined,
  }
}

function legacyEndpoints(apiUrl: string): LegacyEndpoints {
  return { kind: 'legacy', deviceCodeUrl: `${apiUrl}/auth/device/code`, deviceTokenUrl: `${apiUrl}/auth/device/token` }
}
