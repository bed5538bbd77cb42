// `GET /auth/validate` (docs/console-api.md §5): what an API key belongs to.
import type { Context } from '../../context'
import { asObject, optNum, optSafeUrl, optStr, parseUser, parseWorkspaceRef, type Billing } from '../../lib/console-api'
import { AuthError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import type { UserRef, WorkspaceRef } from '../../lib/store'

export interface ApiKeyInfo {
  workspace: WorkspaceRef
  user?: UserRef
  billing?: Billing
  signingKey?: string
  gatewayUrl?: string
}

/** `signal` replaces Ctrl-C's for the request (a caller's deadline), so it should include ctx.signal. */
export async function validateApiKey(ctx: Context, apiUrl: string, apiKey: string, opts: { timeoutMs?: number; signal?: AbortSignal; from: string }): Promise<ApiKeyInfo> {
  let body: unknown
  try {
    body = await ctx.http.get<unknown>(`${apiUrl}/auth/validate`, { token: apiKey, timeoutMs: opts.timeoutMs, retries: opts.timeoutMs ? 0 : undefined, signal: opts.signal })
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) {
      throw new AuthError(`Pensar Console rejected ${opts.from}: unknown or revoked API key.`, {
        code: 'invalid_api_key',
        hint: 'Create a key in Pensar Console (Settings > API keys) and try again.',
      })
    }
    throw error
  }
  const o = asObject(body, 'the API key validation')
  const b = o.billing && typeof o.billing === 'object' ? (o.billing as Record<string, unknown>) : undefined
  const balance = optNum(b ?? {}, 'balance') ?? optNum(asObject(o.credits ?? {}, 'the API key validation'), 'balance')
  return {
    workspace: parseWorkspaceRef(o.workspace, 'the API key validation'),
    user: parseUser(o.user, 'the API key validation'),
    billing: b && typeof b.ready === 'boolean' ? { balance: balance ?? 0, hasPaymentMethod: b.hasPaymentMethod === true, ready: b.ready } : undefined,
    signingKey: optStr(o, 'signingKey'),
    gatewayUrl: optSafeUrl(o, 'gatewayUrl'),
  }
}
