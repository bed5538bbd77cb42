// The online half of `pensar status`: the gateway check and, for an API key without a stored
// workspace, asking the Console which one it belongs to. Apart from status.ts so that
// `status --offline` never loads the authed client, the refresh flow or request signing.
import type { Context } from '../../context'
import { createAuthedClient, type GatewayTarget } from '../session/authed-client'
import { asObject, optNum } from '../../lib/console-api'
import { PensarError } from '../../lib/errors'
import { withSessionLock } from '../session/session-lock'
import { validateApiKey, type ApiKeyInfo } from '../session/validate-api-key'
import type { StatusReport } from './report'

export const ONLINE_BUDGET_MS = 3_000

/**
 * The one deadline of the whole online check: the token renewal, the wait for another process's
 * lock, the validation, the retry after a 401 and the API-key lookup all stop waiting when it
 * aborts (so does Ctrl-C).
 */
export function onlineDeadline(ctx: Context, apiUrl: string): AbortSignal {
  const budget = ctx.clock.timeout(ONLINE_BUDGET_MS)
  const expired = new AbortController()
  const expire = () => expired.abort(new PensarError(`${apiUrl} did not answer within ${ONLINE_BUDGET_MS / 1000} s.`, { code: 'timeout' }))
  if (budget.aborted) expire()
  else budget.addEventListener('abort', expire, { once: true })
  return AbortSignal.any([ctx.signal, expired.signal])
}

/** API-key auth without a stored workspace: ask the server which one, and store it. */
export async function resolveApiKeyWorkspace(ctx: Context, report: StatusReport, apiKey: string, source: 'env' | 'file', deadline: AbortSignal): Promise<ApiKeyInfo> {
  const info = await validateApiKey(ctx, report.apiUrl, apiKey, { timeoutMs: ONLINE_BUDGET_MS, signal: deadline, from: source === 'env' ? 'the API key in PENSAR_API_KEY' : 'the stored API key' })
  report.workspace = info.workspace
  report.user = info.user ?? report.user
  if (source !== 'file') return info
  await withSessionLock(
    ctx,
    () =>
      ctx.store.patchSession({
        config: { workspace: info.workspace, user: info.user, gatewayUrl: info.gatewayUrl, lastWorkspaceId: info.workspace.id },
        auth: info.signingKey ? { signingKey: info.signingKey } : {},
      }),
    { signal: deadline },
  )
  return info
}

export async function checkOnline(ctx: Context, deadline: AbortSignal, target?: GatewayTarget): Promise<NonNullable<StatusReport['online']>> {
  const client = createAuthedClient(ctx, target)
  const body = await client.get<unknown>(`${await client.gatewayUrl()}/gateway/validate`, { timeoutMs: ONLINE_BUDGET_MS, retries: 0, signal: deadline })
  const o = asObject(body, 'the gateway validation')
  const credits = asObject(o.credits ?? {}, 'the gateway validation')
  const billing = asObject(o.billing ?? {}, 'the gateway validation')
  const inference = asObject(o.inference ?? {}, 'the gateway validation')
  return {
    ok: true,
    balance: optNum(credits, 'balance') ?? null,
    billingReady: typeof billing.ready === 'boolean' ? billing.ready : null,
    inferenceEnabled: typeof inference.enabled === 'boolean' ? inference.enabled : null,
  }
}
