// Step 6: the product page's "billing isn't configured" and "balance is low" warnings. They
// never fail the login; on a terminal the person can jump to the billing page with B. The gateway's
// refusals (a 402) and a balance that falls low after a question say the same (flows/ask).
import type { Context } from '../../context'
import type { SelectedWorkspace } from '../../lib/console-api'
import { unsafeUrlReason } from '../../lib/safe-url'
import { shortened } from '../../lib/safe-text'
import { formatMoney } from '../../ui/ui'
import { safeConsolePageUrl } from '../../lib/console-pages'

export const LOW_BALANCE_DOLLARS = 1

/** `offerPage: false`: the warning alone, without waiting for B or Enter. */
export async function warnAboutBilling(ctx: Context, selected: SelectedWorkspace, consoleUrl: string | undefined, { offerPage = true } = {}): Promise<void> {
  const url = billingUrlOf(selected, consoleUrl)
  // The address on a line of its own, where it can be copied whole.
  const where = (advice: string) => (url ? [`${advice}:`, url] : `${advice} in Pensar Console under Settings > Billing.`)
  const { billing, workspace } = selected
  const name = shortened(workspace.name)
  let warned = false
  if (!billing.ready) {
    ctx.ui.warn(where(`Billing isn't set up for ${name}. Finish setup`))
    ctx.ui.emit({ event: 'warning', code: 'billing_not_ready', message: `Billing isn't set up for ${workspace.name}.`, ...(url ? { url } : {}) })
    warned = true
  } else if (billing.balance < LOW_BALANCE_DOLLARS) {
    ctx.ui.warn(where(`Low credit balance (${formatMoney(billing.balance)}) in ${name}. Add credits`))
    ctx.ui.emit({ event: 'warning', code: 'low_balance', message: `Low credit balance (${formatMoney(billing.balance)}).`, balance: billing.balance, ...(url ? { url } : {}) })
    warned = true
  }
  if (!warned || !url || !ctx.ui.interactive || !offerPage) return
  const choice = await ctx.ui.pressKey({
    message: 'Press B to open the billing page, Enter to continue',
    choices: [
      { key: 'b', value: 'open' as const, label: 'open billing' },
      { key: 'enter', value: 'continue' as const, label: 'continue' },
    ],
  })
  if (choice === 'open') {
    const result = await ctx.browser.open(url)
    if (!result.opened) ctx.ui.warn(`Could not open a browser (${result.reason}). The billing page is at ${url}`)
  }
}

function billingUrlOf(selected: SelectedWorkspace, consoleUrl: string | undefined): string | undefined {
  if (selected.billingUrl) return unsafeUrlReason(selected.billingUrl) ? undefined : selected.billingUrl
  return safeConsolePageUrl(consoleUrl, selected.workspace.slug, 'billing')
}
