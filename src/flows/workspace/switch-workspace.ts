// `pensar workspace switch [slug]` and S on the connected screen: the stored browser session
// moves to another of the person's workspaces. No device login: the session's token (renewed
// under the lock when due) lists and confirms the workspace. An API key belongs to one workspace
// and cannot switch; a session that is over cannot either (exit 4).
import type { Context } from '../../context'
import type { SelectedWorkspace } from '../../lib/console-api'
import { PensarError } from '../../lib/errors'
import { formatMoney, formatWorkspace } from '../../ui/ui'
import type { ApiKeyCredentials } from '../session/credentials'
import { getValidCredentials } from '../session/refresh'
import { withSessionLock } from '../session/session-lock'
import { announceWorkspace } from './announce-workspace'
import { chooseWorkspace, confirmWorkspace } from './select-workspace'

export interface SwitchOptions {
  /** A slug or id; without one, the list on a terminal (and a usage error without one). */
  requested?: string
  openBrowser: boolean
  /** How a workspace is named on this command line, for the messages. */
  namedWith?: string
}

/** An API key cannot switch: it belongs to one workspace (exit 1). */
export class CannotSwitchError extends PensarError {}

export async function switchWorkspace(ctx: Context, opts: SwitchOptions): Promise<SelectedWorkspace> {
  // The session's own Console: its token goes nowhere else.
  const creds = await getValidCredentials(ctx)
  if (creds.kind === 'api-key') throw cannotSwitch(ctx, creds.source)
  const { token, origins: { apiUrl } } = creds
  const config = ctx.store.readConfig()
  const current = config?.workspace
  const chosen = await chooseWorkspace(ctx, apiUrl, token, { requested: opts.requested, lastWorkspaceId: current?.id, openBrowser: opts.openBrowser, consoleUrl: config?.consoleUrl, namedWith: opts.namedWith })
  const selected = await confirmWorkspace(ctx, apiUrl, token, chosen.id)
  await announceWorkspace(ctx, selected, config?.consoleUrl)
  // Patch only what changed, under the lock and in one step: another process may be rotating
  // the tokens, and the workspace must never be stored without its signing key.
  await withSessionLock(ctx, () =>
    ctx.store.patchSession({
      config: { workspace: selected.workspace, lastWorkspaceId: selected.workspace.id, gatewayUrl: selected.gatewayUrl ?? config?.gatewayUrl },
      auth: selected.signingKey ? { signingKey: selected.signingKey } : {},
    }),
  )
  const { workspace, billing } = selected
  const what = `${formatWorkspace(workspace)}, balance ${formatMoney(billing.balance)}`
  ctx.ui.success(current?.id === workspace.id ? `Apex already uses workspace ${what}.` : `Switched to workspace ${what}. Apex uses it from now on.`)
  ctx.ui.emit({ event: 'workspace_switched', from: current ?? null, workspace, billing })
  return selected
}

function cannotSwitch(ctx: Context, source: ApiKeyCredentials['source']): CannotSwitchError {
  if (source === 'env') {
    return new CannotSwitchError('PENSAR_API_KEY is set: an API key belongs to one workspace, and it overrides the stored login while it is set.', {
      code: 'cannot_switch',
      hint: 'Unset PENSAR_API_KEY to use and switch the stored login, or set it to a key of the other workspace.',
    })
  }
  const workspace = ctx.store.readConfig()?.workspace
  return new CannotSwitchError(`This computer is connected with an API key, which belongs to one workspace${workspace ? ` (${workspace.name}, ${workspace.slug})` : ''}.`, {
    code: 'cannot_switch',
    hint: 'Run `pensar login` to connect with your account and choose among your workspaces, or log in with a key of the other workspace: `pensar login --with-api-key < key.txt`.',
  })
}
