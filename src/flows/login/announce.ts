// What a finished login tells the person and `--json` readers, the same for a browser login and
// an API key (the chosen workspace and its billing warnings are announced before, by
// flows/workspace/announce-workspace.ts).
import type { Context } from '../../context'
import type { UserRef } from '../../lib/store'
import { shortened } from '../../lib/safe-text'
import { formatMoney, formatWorkspace } from '../../ui/ui'
import type { AnnouncedWorkspace } from '../workspace/announce-workspace'

export interface FinishedLogin {
  apiUrl: string
  authType: 'workos' | 'api-key'
  user?: UserRef
}

export function announceLogin(ctx: Context, login: FinishedLogin, selected: AnnouncedWorkspace) {
  const who = login.user?.email ? ` as ${shortened(login.user.email)}` : ''
  const how = login.authType === 'api-key' ? ' with an API key' : ''
  const { workspace, billing } = selected
  const balance = billing ? `, balance ${formatMoney(billing.balance)}` : ''
  ctx.ui.success(`Logged in${who}${how}. Apex will use workspace ${formatWorkspace(workspace)}${balance}.`)
  ctx.ui.emit({
    event: 'logged_in',
    apiUrl: login.apiUrl,
    authType: login.authType,
    ...(login.user ? { user: login.user } : {}),
    workspace,
    ...(billing ? { billing } : {}),
  })
}
