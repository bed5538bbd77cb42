// Step 5: pick the workspace and confirm it with the Console. `--workspace` always wins; none
// yet → send the person to create one and wait; one → take it; several → ask on a terminal,
// and without one require --workspace (exit 2, listing the slugs).
import type { Context } from '../../context'
import { parseSelectedWorkspace, parseWorkspaceList, type SelectedWorkspace, type WorkspaceSummary } from '../../lib/console-api'
import { PensarError, UsageError } from '../../lib/errors'
import { unsafeUrlReason } from '../../lib/safe-url'
import { shortened } from '../../lib/safe-text'
import { formatMoney, formatWorkspace } from '../../ui/ui'

const WAIT_FOR_WORKSPACE_EVERY_MS = 3_000
const WAIT_FOR_WORKSPACE_AT_MOST_MS = 5 * 60_000

export interface WorkspaceChoice {
  /** `--workspace`: an id or a slug. */
  requested?: string
  /** Preselected in the prompt. */
  lastWorkspaceId?: string
  openBrowser: boolean
  consoleUrl?: string
  /** How a workspace is named on this command line, for the messages: `pensar login --workspace` (the default). */
  namedWith?: string
}

export async function chooseWorkspace(ctx: Context, apiUrl: string, token: string, choice: WorkspaceChoice): Promise<WorkspaceSummary> {
  let { workspaces, consoleUrl } = await listWorkspaces(ctx, apiUrl, token)
  if (workspaces.length === 0) ({ workspaces } = await waitForFirstWorkspace(ctx, apiUrl, token, consoleUrl ?? choice.consoleUrl ?? apiUrl, choice.openBrowser))
  const namedWith = choice.namedWith ?? 'pensar login --workspace'
  if (choice.requested) return findRequested(workspaces, choice.requested, namedWith)
  if (workspaces.length === 1) return workspaces[0]!
  if (!ctx.ui.interactive) {
    throw new UsageError(`You belong to ${workspaces.length} workspaces; choose one with \`${namedWith} <slug>\`: ${slugsOf(workspaces)}.`, {
      code: 'workspace_required',
      hint: `For example: ${namedWith} ${shortened(workspaces[0]!.slug)}`,
    })
  }
  const initial = workspaces.find((w) => w.id === choice.lastWorkspaceId)
  return ctx.ui.select({
    message: 'Which workspace should Apex use?',
    // The balance must always show, so it is in the label (a clack hint shows only when highlighted).
    options: workspaces.map((w) => ({ value: w, label: `${formatWorkspace(w)} — ${formatMoney(w.balance)}` })),
    initial,
  })
}

export async function confirmWorkspace(ctx: Context, apiUrl: string, token: string, workspaceId: string): Promise<SelectedWorkspace> {
  return parseSelectedWorkspace(await ctx.http.postJson<unknown>(`${apiUrl}/api/cli/select-workspace`, { workspaceId }, { token }))
}

export async function listWorkspaces(ctx: Context, apiUrl: string, token: string) {
  return parseWorkspaceList(await ctx.http.get<unknown>(`${apiUrl}/api/cli/workspaces`, { token }))
}

async function waitForFirstWorkspace(ctx: Context, apiUrl: string, token: string, consoleUrl: string, openBrowser: boolean) {
  const createUrl = `${consoleUrl.replace(/\/+$/, '')}/workspaces/new`
  const safe = !unsafeUrlReason(createUrl)
  ctx.ui.warn(safe ? ['You have no Pensar Console workspace yet. Create one at:', createUrl] : 'You have no Pensar Console workspace yet. Create one in Pensar Console.')
  ctx.ui.emit({ event: 'waiting_for_workspace', ...(safe ? { url: createUrl } : {}) })
  if (safe && openBrowser) await ctx.browser.open(createUrl)
  const giveUpAt = ctx.clock.now() + WAIT_FOR_WORKSPACE_AT_MOST_MS
  const spinner = ctx.ui.spinner('Waiting for a workspace to appear…')
  try {
    while (ctx.clock.now() < giveUpAt) {
      await ctx.clock.sleep(WAIT_FOR_WORKSPACE_EVERY_MS, ctx.signal)
      const list = await listWorkspaces(ctx, apiUrl, token)
      if (list.workspaces.length > 0) {
        spinner.stop('Workspace found.')
        return list
      }
    }
  } catch (error) {
    spinner.stop()
    throw error
  }
  spinner.stop()
  throw new PensarError('No workspace appeared within 5 minutes.', { code: 'no_workspace', hint: `Create one${safe ? ` at ${createUrl}` : ''}, then run \`pensar login\` again.` })
}

function findRequested(workspaces: WorkspaceSummary[], requested: string, namedWith: string): WorkspaceSummary {
  const wanted = requested.toLowerCase()
  const found = workspaces.find((w) => w.id === requested || w.slug.toLowerCase() === wanted)
  if (found) return found
  throw new UsageError(`No workspace "${requested}" among yours: ${slugsOf(workspaces)}.`, {
    code: 'unknown_workspace',
    hint: `Name one of those slugs (or a workspace id): \`${namedWith} ${shortened(workspaces[0]?.slug ?? '<slug>')}\`.`,
  })
}

const slugsOf = (workspaces: WorkspaceSummary[]) => workspaces.map((w) => shortened(w.slug)).join(', ')
