// What the CLI authenticates with, read from PENSAR_API_KEY or the stored session (auth.json or
// the OS keychain, lib/store.ts), checked field by field: a hand-edited auth.json with a
// wrong-typed field is reported clearly and left untouched. Stored credentials come with the
// addresses their session was made with (`origins`): they are sent there and nowhere else. When
// that address cannot be read (config.json lost by an older version's session, or --api-url
// naming another Console), nothing is sent and the command says why (exit 4).
import { apiUrlFor, type Context } from '../../context'
import { checkApiUrlValue, sameApiUrl } from '../../lib/api-url'
import { envApiKey } from '../../lib/env-api-key'
import { AuthError, NOT_LOGGED_IN_HINT, PensarError } from '../../lib/errors'
import type { AuthFile, ConfigFile } from '../../lib/store'

export const SESSION_EXPIRED_MESSAGE = 'Your Pensar Console session has expired. Run `pensar login` to reconnect.'

/** The session existed but can no longer be renewed (exit 4). */
export class SessionExpiredError extends AuthError {
  constructor() {
    super(SESSION_EXPIRED_MESSAGE, { code: 'session_expired', hint: undefined })
  }
}

export type Credentials = ApiKeyCredentials | WorkosCredentials | NoCredentials

/** Where the credentials may be sent: the API, and the workspace's gateway. */
export interface Origins {
  apiUrl: string
  gatewayUrl: string
}

export interface ApiKeyCredentials {
  kind: 'api-key'
  /** `env`: PENSAR_API_KEY, which wins over anything stored. */
  source: 'env' | 'file'
  apiKey: string
  signingKey?: string
  origins: Origins
}

export interface WorkosCredentials {
  kind: 'workos'
  source: 'file'
  origins: Origins
  accessToken?: string
  refreshToken?: string
  /** Access-token expiry by the server's clock, epoch ms, as stored. */
  expiresAt?: number
  signingKey?: string
  clientId?: string
  tokenEndpoint?: string
  revocationEndpoint?: string
}

export interface NoCredentials {
  kind: 'none'
  /** A session ended by the server (invalid_grant) rather than never started or logged out. */
  expired: boolean
}

const STRING_FIELDS = ['authType', 'accessToken', 'refreshToken', 'tokenType', 'apiKey', 'signingKey', 'clientId', 'issuer', 'tokenEndpoint', 'revocationEndpoint', 'apiUrl', 'gatewayUrl'] as const
const NUMBER_FIELDS = ['expiresAt', 'sessionExpiredAt'] as const

/** `stored`: the session's document as the caller already read it (status reads it once), else read here. */
export async function readCredentials(ctx: Pick<Context, 'env' | 'store'>, stored: () => Promise<AuthFile | undefined> = () => ctx.store.readAuth()): Promise<Credentials> {
  const envKey = envApiKey(ctx.env.vars)
  if (envKey) return { kind: 'api-key', source: 'env', apiKey: checkApiKeyShape(envKey, 'PENSAR_API_KEY'), origins: envKeyOrigins(ctx) }
  const auth = await stored()
  if (!auth) return { kind: 'none', expired: false }
  checkFieldTypes(auth, () => storedIn(ctx))
  const authType = auth.authType ?? ctx.store.readConfig()?.authType ?? (auth.apiKey ? 'api-key' : 'workos')
  if (authType === 'api-key') {
    return auth.apiKey ? { kind: 'api-key', source: 'file', apiKey: auth.apiKey, signingKey: auth.signingKey, origins: storedOrigins(ctx, auth) } : { kind: 'none', expired: false }
  }
  if (!auth.accessToken && !auth.refreshToken) return { kind: 'none', expired: typeof auth.sessionExpiredAt === 'number' }
  return {
    kind: 'workos',
    source: 'file',
    origins: storedOrigins(ctx, auth),
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
    expiresAt: auth.expiresAt,
    signingKey: auth.signingKey,
    clientId: auth.clientId,
    tokenEndpoint: auth.tokenEndpoint,
    revocationEndpoint: auth.revocationEndpoint,
  }
}

/**
 * The addresses a stored session was made with: auth.json's own (written with the secrets since
 * this version), else config.json's for sessions saved before. Never the default API: a session
 * whose Console is unknown is not sent anywhere.
 */
function storedOrigins(ctx: Pick<Context, 'env' | 'store'>, auth: AuthFile): Origins {
  const config = auth.apiUrl === undefined ? ctx.store.readConfig() : undefined
  const stored = auth.apiUrl ?? config?.apiUrl
  const checked = stored === undefined ? undefined : checkApiUrlValue(stored)
  if (!checked?.ok) {
    const why = auth.apiUrl === undefined ? `${ctx.store.paths.config} is missing or damaged` : `the \`apiUrl\` in ${storedIn(ctx)} is not a valid address`
    throw new AuthError(`pensar cannot tell which Pensar Console the stored session belongs to: ${why}. Nothing was sent.`, {
      code: 'unknown_console',
      hint: 'Run `pensar login` to log in again (the old session is ended on the Console when it can be), or `pensar logout` to remove it.',
    })
  }
  const apiUrl = checked.url
  if (ctx.env.apiUrlExplicit && !sameApiUrl(ctx.env.apiUrl, apiUrl)) {
    // That Console never issued these credentials: nothing is sent to it, or checked there.
    throw new AuthError(`Not logged in to ${ctx.env.apiUrl}: the stored session belongs to ${apiUrl}.`, {
      code: 'other_console',
      hint: `Run \`pensar login --api-url ${ctx.env.apiUrl}\` to log in there (it replaces the stored session), or leave out --api-url and PENSAR_API_URL to use ${apiUrl}.`,
    })
  }
  const gatewayUrl = auth.apiUrl === undefined ? config?.gatewayUrl : auth.gatewayUrl
  return { apiUrl, gatewayUrl: (gatewayUrl ?? apiUrl).replace(/\/+$/, '') }
}

/** What config.json records about the stored session: no secret, so no keychain (status --offline). */
export type RecordedCredentials = { kind: 'api-key' | 'workos'; source: 'env' | 'file'; origins: Origins } | NoCredentials

/**
 * The stored session as config.json records it, without reading a secret: `status --offline`
 * with the keychain answers from this, so it never opens the keychain (or waits on a locked one).
 * PENSAR_API_KEY still wins, and the session's Console is checked as for `readCredentials`.
 */
export function recordedCredentials(ctx: Pick<Context, 'env' | 'store'>, config: ConfigFile | undefined): RecordedCredentials {
  const envKey = envApiKey(ctx.env.vars)
  if (envKey) return { kind: 'api-key', source: 'env', origins: envKeyOrigins(ctx) }
  if (!config?.authType) return { kind: 'none', expired: false }
  if (config.sessionExpiredAt !== undefined) return { kind: 'none', expired: true }
  return { kind: config.authType, source: 'file', origins: storedOrigins(ctx, { version: 1, apiUrl: config.apiUrl, gatewayUrl: config.gatewayUrl }) }
}

/**
 * PENSAR_API_KEY goes to the API in use only. The stored gateway belongs to the stored session's
 * workspace, not to the key: the key's own gateway is what `GET /auth/validate` says, given to
 * the authed client as its `GatewayTarget` (status, ask).
 */
function envKeyOrigins(ctx: Pick<Context, 'env' | 'store'>): Origins {
  const apiUrl = apiUrlFor(ctx)
  return { apiUrl, gatewayUrl: apiUrl }
}

/** Where the session's document is, for messages: auth.json's path, or the keychain entry. */
export function storedIn(ctx: Pick<Context, 'store'>): string {
  const place = ctx.store.credentialsPlace()
  return place.backend === 'file' ? place.location : `the ${place.location} entry "${place.entry?.name ?? 'session'}"`
}

/** Throws the "not logged in" or "session expired" error that fits. */
export function notLoggedIn(creds: NoCredentials): AuthError {
  return creds.expired ? new SessionExpiredError() : new AuthError('Not logged in to Pensar Console.', { hint: NOT_LOGGED_IN_HINT })
}

/** An API key goes into an HTTP header: no whitespace or control characters inside it. */
export function checkApiKeyShape(key: string, from: string): string {
  if (/[\s\x00-\x1f\x7f]/.test(key)) {
    throw new PensarError(`The API key in ${from} contains spaces or control characters.`, {
      code: 'invalid_api_key',
      hint: 'Copy the key again from Pensar Console (Settings > API keys); it is one unbroken string starting with `psk_`.',
      exitCode: 4,
    })
  }
  return key
}

/** `where` names the document in a message: only asked when something is wrong. */
function checkFieldTypes(auth: AuthFile, where: () => string): void {
  for (const field of STRING_FIELDS) expectType(auth, field, 'string', where)
  for (const field of NUMBER_FIELDS) expectType(auth, field, 'number', where)
  if (auth.authType !== undefined && auth.authType !== 'workos' && auth.authType !== 'api-key') {
    throw damaged(where(), `\`authType\` is ${JSON.stringify(auth.authType)}, expected "workos" or "api-key"`)
  }
}

function expectType(auth: AuthFile, field: string, type: 'string' | 'number', where: () => string): void {
  const value = auth[field]
  if (value === undefined) return
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
    throw damaged(where(), `\`${field}\` should be a ${type}, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`)
  }
}

function damaged(where: string, problem: string): AuthError {
  return new AuthError(`${where} is damaged: ${problem}.`, {
    code: 'invalid_auth_file',
    hint: 'Run `pensar login` to replace it (the file is left as it is until then).',
  })
}
