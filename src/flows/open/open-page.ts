// `pensar open [page]`: the workspace's billing, usage or API-keys page, or the Console's home,
// in the browser. The address is the command's result (stdout), printed whether or not a
// browser opened, so it also works over SSH and in scripts (`--no-browser`).
import { apiUrlFor, type Context } from '../../context'
import { PensarError } from '../../lib/errors'
import { assertSafeUrl } from '../../lib/safe-url'
import type { WorkspaceRef } from '../../lib/store'
import { formatWorkspace, type JsonEvent } from '../../ui/ui'
import { notLoggedIn, readCredentials } from '../session/credentials'
import { validateApiKey } from '../session/validate-api-key'
import { consolePageUrl, PAGE_TITLES, type ConsolePage } from '../../lib/console-pages'
import { fetchConsoleUrl } from '../workspace/console-url'

export interface OpenOptions {
  page: ConsolePage
  openBrowser: boolean
}

export async function openConsolePage(ctx: Context, opts: OpenOptions): Promise<{ url: string; opened: boolean }> {
  const workspace = opts.page === 'console' ? undefined : await currentWorkspace(ctx)
  const url = assertSafeUrl(consolePageUrl(await consoleUrlOf(ctx), workspace?.slug ?? '', opts.page), 'Console address')
  const browser = opts.openBrowser ? await ctx.browser.open(url) : undefined
  const opened = browser?.opened === true
  if (ctx.env.json) {
    ctx.ui.emit({ page: opts.page, url, opened, ...(browser && !browser.opened ? { reason: browser.reason } : {}) } as unknown as JsonEvent)
    return { url, opened }
  }
  const what = workspace ? `the ${PAGE_TITLES[opts.page]} of ${formatWorkspace(workspace)}` : PAGE_TITLES[opts.page]
  if (browser?.opened) ctx.ui.success(`Opened ${what} in your browser:`)
  else if (browser) ctx.ui.warn(`Could not open a browser (${browser.reason}). Open ${what} yourself:`)
  ctx.ui.result(url)
  return { url, opened }
}

/** The workspace Apex uses: PENSAR_API_KEY's (asked of the Console) or the stored one. */
async function currentWorkspace(ctx: Context): Promise<WorkspaceRef> {
  const creds = await readCredentials(ctx)
  if (creds.kind === 'none') throw notLoggedIn(creds)
  if (creds.source === 'env') return (await validateApiKey(ctx, apiUrlFor(ctx), creds.apiKey, { from: 'PENSAR_API_KEY' })).workspace
  const workspace = ctx.store.readConfig()?.workspace
  if (!workspace) throw notLoggedIn({ kind: 'none', expired: false })
  return workspace
}

/** The stored Console address when the session belongs to this API; else the Console's own word for it. */
async function consoleUrlOf(ctx: Context): Promise<string> {
  const apiUrl = apiUrlFor(ctx)
  const config = ctx.store.readConfig()
  const stored = config?.apiUrl === undefined || config.apiUrl === apiUrl ? config?.consoleUrl : undefined
  const consoleUrl = stored ?? (await fetchConsoleUrl(ctx, apiUrl))
  if (consoleUrl) return consoleUrl
  throw new PensarError(`Could not find Pensar Console's address: ${apiUrl}/api/cli/config did not name it.`, {
    code: 'no_console_url',
    hint: 'Check your network connection and --api-url / PENSAR_API_URL, then try again.',
  })
}
