// What every way of choosing a workspace says about it: the `workspace_selected` event for
// `--json` readers, then the billing warnings (billing.ts). A browser login, an API-key login and
// a switch all go through here, so they say the same things.
import type { Context } from '../../context'
import type { SelectedWorkspace } from '../../lib/console-api'
import { warnAboutBilling } from './billing'

/** `billing` is absent when the Console did not say (an older backend's API-key validation). */
export type AnnouncedWorkspace = Omit<SelectedWorkspace, 'billing'> & { billing?: SelectedWorkspace['billing'] }

export async function announceWorkspace(ctx: Context, selected: AnnouncedWorkspace, consoleUrl: string | undefined): Promise<void> {
  ctx.ui.emit({ event: 'workspace_selected', workspace: selected.workspace, ...(selected.billing ? { billing: selected.billing } : {}) })
  if (selected.billing) await warnAboutBilling(ctx, { ...selected, billing: selected.billing }, consoleUrl)
}
