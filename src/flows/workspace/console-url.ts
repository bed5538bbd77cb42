// Where Pensar Console's pages are, for a session that did not store it (an API key; a Console
// named by --api-url): `consoleUrl` in `GET {api}/api/cli/config` (docs/console-api.md §1).
import type { Context } from '../../context'
import { optSafeUrl } from '../../lib/console-api'
import { CancelledError } from '../../lib/errors'

/** Best effort: undefined when the Console does not say, cannot be asked, or names an unsafe address. */
export async function fetchConsoleUrl(ctx: Context, apiUrl: string): Promise<string | undefined> {
  try {
    const config = await ctx.http.get<unknown>(`${apiUrl}/api/cli/config`, { timeoutMs: 5_000 })
    return config && typeof config === 'object' && !Array.isArray(config) ? optSafeUrl(config as Record<string, unknown>, 'consoleUrl') : undefined
  } catch (error) {
    if (error instanceof CancelledError || ctx.signal.aborted) throw error
    ctx.log.debug(`no Console address from ${apiUrl}/api/cli/config: ${(error as Error).message}`)
    return undefined
  }
}
