// The online half of `pensar status`: the gateway check and, for an API key without a stored
// workspace, asking the Console which one it belongs to. Apart from status.ts so that
// `status --offline` never loads the authed client, the refresh flow or request signing.
import type { Context } from '../context'
import { createAuthedClient } from '../lib/authed-client'
import { asObject, optNum } from '../lib/console-api'
import { withRefreshLock } from '../lib/refresh-lock'
import { validateApiKey } from './api-key-validate'
import type { StatusReport } from './status'

export const ONLINE_BUDGET_MS = 3_000

/** API-key auth without a stored workspace: ask the server which one, and store it. */
export async function resolveApiKeyWorkspace(ctx: Context, report: StatusReport, apiKey: string, source: 'env' | 'file'): Promise<void> {
  const info = await validateApiKey(ctx, report.apiUrl, apiKey, { timeoutMs: ONLINE_BUDGET_MS, from: source === 'env' ? 'the API key in PENSAR_API_KEY' : 'the stored API key' })
  report.workspace = info.workspace
  report.user = info.user ?? report.user
  if (source !== 'file') return
  await withRefreshLock(ctx, () =>
    ctx.store.patchSession({
      config: { workspace: info.workspace, user: info.user, gatewayUrl: info.gatewayUrl, lastWorkspaceId: info.workspace.id },
      auth: info.signingKey ? { signingKey: info.signingKey } : {},
    }),
  )
}

export async function checkOnline(ctx: Context): Promise<NonNullable<StatusReport['online']>> {
  const client = createAuthedClient(ctx)
  const body = await client.get<unknown>(`${client.gatewayUrl}/gateway/validate`, { timeoutMs: ONLINE_BUDGET_MS, retries: 0 })
  const o = asObject(body, 'the gateway validation')
  const credits = asObject(o.credits ?? {}, 'the gateway validation')
  const billing = asObject(o.billing ?? {}, 'the gateway validation')
  return { ok: true, balance: optNum(credits, 'balance') ?? null, billingReady: typeof billing.ready === 'boolean' ? billing.ready : null }
}
