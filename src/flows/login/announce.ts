// What a finished login (or workspace switch) tells the person and `--json` readers.
import type { Context } from '../../context'
import type { SelectedWorkspace } from '../../lib/console-api'
import { shortened } from '../../lib/safe-text'
import { formatMoney, formatWorkspace } from '../../ui/ui'
import type { Grant } from './poll-token'

export function announceWorkspace(ctx: Context, selected: SelectedWorkspace) {
  ctx.ui.emit({ event: 'workspace_selected', workspace: selected.workspace, billing: selected.billing })
}

/** S on the /login screen: the same session, another workspace. Says "Switched", not "Logged in". */
export function announceSwitch(ctx: Context, apiUrl: string, grant: Pick<Grant, 'kind' | 'user'>, selected: SelectedWorkspace) {
  const { workspace, billing } = selected
  ctx.ui.success(`Switched to ${formatWorkspace(workspace)}, balance ${formatMoney(billing.balance)}.`)
  emitLoggedIn(ctx, apiUrl, grant, selected)
}

export function announceLogin(ctx: Context, apiUrl: string, grant: Pick<Grant, 'kind' | 'user'>, selected: SelectedWorkspace) {
  const who = grant.user?.email ? ` as ${shortened(grant.user.email)}` : ''
  const { workspace, billing } = selected
  ctx.ui.success(`Logged in${who}. Apex will use workspace ${formatWorkspace(workspace)}, balance ${formatMoney(billing.balance)}.`)
  emitLoggedIn(ctx, apiUrl, grant, selected)
}

function emitLoggedIn(ctx: Context, apiUrl: string, grant: Pick<Grant, 'kind' | 'user'>, { workspace, billing }: SelectedWorkspace) {
  ctx.ui.emit({
    event: 'logged_in',
    apiUrl,
    authType: grant.kind === 'oauth' ? 'workos' : 'api-key',
    ...(grant.user ? { user: grant.user } : {}),
    workspace,
    billing,
  })
}
