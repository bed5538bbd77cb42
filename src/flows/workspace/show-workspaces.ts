// `pensar workspace list`: the person's workspaces as the Console lists them (with an API key,
// only the key's), the one this computer uses marked. The list is the command's result, so it
// goes to stdout; `--json` gives the objects.
import type { Context } from '../../context'
import { parseWorkspaceList, type WorkspaceSummary } from '../../lib/console-api'
import { safeText, shortened } from '../../lib/safe-text'
import { cutToWidth } from '../../ui/fit'
import { formatMoney, type JsonEvent } from '../../ui/ui'
import { createAuthedClient } from '../session/authed-client'
import { readCredentials } from '../session/credentials'
import { isLowBalance } from './billing'

export interface ListedWorkspace extends WorkspaceSummary {
  /** Billing can pay for inference: a payment method and a positive balance (docs/console-api.md §5). */
  billingReady: boolean
  /** The workspace Apex uses on this computer. */
  current: boolean
}

export async function showWorkspaces(ctx: Context): Promise<ListedWorkspace[]> {
  const { workspaces } = parseWorkspaceList(await createAuthedClient(ctx).get<unknown>('/api/cli/workspaces'))
  const currentId = await currentWorkspaceId(ctx, workspaces)
  const listed = workspaces.map((w) => ({ ...w, billingReady: w.hasPaymentMethod && w.balance > 0, current: w.id === currentId }))
  if (ctx.env.json) ctx.ui.emit({ workspaces: listed } as unknown as JsonEvent)
  // On a terminal the table fits its width; in a pipe every cell is whole.
  else ctx.ui.result(workspaceTable(listed, ctx.out.isTerminal ? ctx.out.columns : undefined))
  return listed
}

/** PENSAR_API_KEY wins over what is stored, and the Console lists only its key's workspace. */
async function currentWorkspaceId(ctx: Context, workspaces: WorkspaceSummary[]): Promise<string | undefined> {
  const creds = await readCredentials(ctx)
  if (creds.kind === 'api-key' && creds.source === 'env') return workspaces.length === 1 ? workspaces[0]!.id : undefined
  return ctx.store.readConfig()?.workspace?.id
}

const NAME = 2
/** A name column narrower than this says too little: it is left out (the slug names the workspace). */
const MIN_NAME = 8

/**
 * `* acme  Acme  $50.00  ready`: one row per workspace under a header, `*` on the current one.
 * Wider than `columns` (a terminal), the names are cut with `…`, or left out when too little of
 * them would show; the slug, which `workspace switch` takes, is never cut.
 */
export function workspaceTable(workspaces: ListedWorkspace[], columns?: number): string[] {
  // Cells as they will show (made safe, long names cut), so the columns line up on screen.
  const shown = (text: string) => safeText(shortened(text))
  const rows = workspaces.map((w) => [w.current ? '*' : ' ', shown(w.slug), shown(w.name), formatMoney(w.balance), billingWord(w)])
  let all = [['', 'SLUG', 'NAME', 'BALANCE', 'BILLING'], ...rows]
  const widthsOf = (table: string[][]) => table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)))
  const over = columns === undefined ? 0 : widthsOf(all).reduce((sum, w) => sum + w + 2, -2) - columns
  if (over > 0) {
    const room = widthsOf(all)[NAME]! - over
    all = room >= MIN_NAME ? all.map((row) => row.map((cell, column) => (column === NAME ? cutToWidth(cell, room) : cell))) : all.map((row) => row.filter((_, column) => column !== NAME))
  }
  const widths = widthsOf(all)
  const balance = all[0]!.indexOf('BALANCE') // right-aligned, so the decimal points line up
  return all.map((row) => row.map((cell, column) => (column === balance ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd())
}

function billingWord(w: ListedWorkspace): string {
  if (!w.billingReady) return 'not set up'
  return isLowBalance(w.balance) ? 'low balance' : 'ready'
}
