// `pensar usage [--since 7d|30d|YYYY-MM-DD]`: the workspace's inference spend per user, per API key
// and in total, from `GET /api/cli/usage` (the Usage page's numbers). A table on stdout, or with
// --json one object; the Usage page's address and a switched-off Apex Inference go to stderr.
import type { Context } from '../../context'
import { PensarError } from '../../lib/errors'
import { HttpError } from '../../lib/http'
import type { JsonEvent } from '../../ui/ui'
import { createAuthedClient } from '../session/authed-client'
import { notLoggedIn, readCredentials } from '../session/credentials'
import { parseUsageReport, type UsageReport } from './report'
import { checkSince } from './since'
import { usageTable } from './table'

export interface UsageOptions {
  since?: string
}

export async function usage(ctx: Context, opts: UsageOptions): Promise<UsageReport> {
  const since = checkSince(opts.since)
  const creds = await readCredentials(ctx)
  if (creds.kind === 'none') throw notLoggedIn(creds)
  const report = parseUsageReport(await fetchUsage(ctx, since))
  if (ctx.env.json) ctx.ui.emit(report as unknown as JsonEvent)
  else ctx.out.write(`${usageTable(report, ctx.out.isTerminal ? ctx.out.columns : undefined).join('\n')}\n`)
  if (report.inferenceEnabled === false) ctx.ui.warn(`Apex Inference is switched off for ${report.workspace.name}: questions are refused until it is on again under Settings > Usage.`)
  if (report.usageUrl && !ctx.env.json) ctx.ui.info(`Usage page: ${report.usageUrl}`)
  return report
}

async function fetchUsage(ctx: Context, since: string): Promise<unknown> {
  try {
    return await createAuthedClient(ctx).get<unknown>(`/api/cli/usage?since=${encodeURIComponent(since)}`)
  } catch (error) {
    // With an access token the Console needs to know the workspace: a login that never chose one.
    if (error instanceof HttpError && error.status === 400 && error.oauthError === 'invalid_request' && !ctx.store.readConfig()?.workspace) {
      throw new PensarError('No workspace is selected.', { code: 'workspace_required', hint: 'Run `pensar login` to choose one.' })
    }
    throw error
  }
}
