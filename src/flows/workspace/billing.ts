// Step 6: the product page's "billing isn't configured" and "balance is low" warnings. They
// never fail the login; on a terminal the person can jump to the billing page with B. The gateway's
// refusals (a 402) and a balance that falls low after a question say the same (flows/ask).
import type { Context } from '../../context'
import type { SelectedWorkspace } from '../../lib/console-api'
import { unsafeUrlReason } from '../../lib/safe-url'
import { shortened } from '../../lib/safe-text'
import { formatMoney, type Line } from '../../ui/ui'
import { safeConsolePageUrl } from '../../lib/console-pages'

export const LOW_BALANCE_DOLLARS = 1

export function isLowBalance(balance: number | null | undefined): boolean {
  return typeof balance === 'number' && balance < LOW_BALANCE_DOLLARS
}

/** `Balance:` on the /login screen and in `status`: a low one is a warning, and says "(low)". */
export function balanceLine(label: string, balance: number | null | undefined): Line {
  if (typeof balance !== 'number') return `${label}unknown`
  return isLowBalance(balance) ? { text: `${label}${formatMoney(balance)} (low)`, tone: 'warn' } : `${label}${formatMoney(balance)}`
}

/**
 * `Billing:` on the /login screen and in `status`, in the same words: ready, not set up, low
 * balance, unknown. What needs doing is a warning, and says where to do it (`where`).
 */
export function billingLine(label: string, billing: { balance: number | null; billingReady: boolean | null } | undefined, where: string): Line {
  if (!billing || billing.billingReady === null) return `${label}unknown`
  if (!billing.billingReady) return { text: `${label}not set up — ${where}`, tone: 'warn' }
  if (isLowBalance(billing.balance)) return { text: `${label}low balance — ${where}`, tone: 'warn' }
  return `${label}ready`
}

/** B on the /login screen and at the billing step: opens the page, and says what happened. */
export async function openBillingPage(ctx: Context, url: string): Promise<void> {
  const result = await ctx.browser.open(url)
  if (result.opened) ctx.ui.success('Opened the billing page in your browser.')
  else ctx.ui.warn([`Could not open a browser (${result.reason}). The billing page is at:`, url])
}

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
  } else if (isLowBalance(billing.balance)) {
    ctx.ui.warn(where(`Low credit balance (${formatMoney(billing.balance)}) in ${name}. Add credits`))
    ctx.ui.emit({ event: 'warning', code: 'low_balance', message: `Low credit balance (${formatMoney(billing.balance)}).`, balance: billing.balance, ...(url ? { url } : {}) })
    warned = true
  }
  if (!warned || !url || !ctx.ui.interactive || !offerPage) return
  // The legend names the keys; the question does not say them again. Enter goes on to the
  // login's own last sentence ("Logged in as …", "Switched to …").
  const choice = await ctx.ui.pressKey({
    message: 'Open the billing page now?',
    choices: [
      { key: 'b', value: 'open' as const, label: 'open billing page' },
      { key: 'enter', value: 'continue' as const, label: 'continue' },
    ],
  })
  if (choice === 'open') await openBillingPage(ctx, url)
}

function billingUrlOf(selected: SelectedWorkspace, consoleUrl: string | undefined): string | undefined {
  if (selected.billingUrl) return unsafeUrlReason(selected.billingUrl) ? undefined : selected.billingUrl
  return safeConsolePageUrl(consoleUrl, selected.workspace.slug, 'billing')
}
