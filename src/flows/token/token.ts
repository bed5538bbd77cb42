// `pensar login token`: a valid credential on stdout for another tool (`curl -H "Authorization:
// Bearer $(pensar login token)"`), and nothing else there: renewal, warnings and errors go to
// stderr. With --json one object: { token, authType, expiresAt, workspace, gatewayUrl }.
import type { Context } from '../../context'
import type { JsonEvent } from '../../ui/ui'
import { getValidCredentials } from '../session/refresh'
import { tokenExpiresAt } from '../session/token-expiry'

export interface TokenReport {
  token: string
  authType: 'workos' | 'api-key'
  /** ISO 8601 by the Console's clock; null for an API key, which does not expire. */
  expiresAt: string | null
  workspace: { id: string; name: string; slug: string } | null
  gatewayUrl: string
}

export async function printToken(ctx: Context): Promise<TokenReport> {
  const creds = await getValidCredentials(ctx)
  const config = ctx.store.readConfig()
  // PENSAR_API_KEY overrides the stored login: the stored workspace may be another login's.
  const stored = creds.source === 'file'
  const expiresAt = creds.kind === 'workos' ? tokenExpiresAt({ accessToken: creds.token, expiresAt: creds.expiresAt }) : undefined
  const report: TokenReport = {
    token: creds.token,
    authType: creds.kind,
    expiresAt: expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
    workspace: stored ? (config?.workspace ?? null) : null,
    // The gateway this session's secrets may go to (auth.json's), never a config.json edited since.
    gatewayUrl: creds.origins.gatewayUrl,
  }
  if (ctx.env.json) ctx.ui.emit(report as unknown as JsonEvent)
  else ctx.out.write(`${report.token}\n`)
  return report
}
