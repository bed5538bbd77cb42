// Addresses of Pensar Console's pages for a workspace (docs/console-api.md §4): billing, usage,
// API keys, and the Console's home. They are built from a Console address the server chose, so
// an unsafe one (safe-url.ts) is never shown or opened.
import { unsafeUrlReason } from './safe-url'

export const CONSOLE_PAGES = ['billing', 'usage', 'api-keys', 'console'] as const
export type ConsolePage = (typeof CONSOLE_PAGES)[number]

export const PAGE_TITLES: Record<ConsolePage, string> = { billing: 'billing page', usage: 'usage page', 'api-keys': 'API keys page', console: 'Pensar Console' }

/** The page's address: `{console}/{slug}/settings/{page}`, or the Console's home. */
export function consolePageUrl(consoleUrl: string, slug: string, page: ConsolePage): string {
  const base = consoleUrl.replace(/\/+$/, '')
  return page === 'console' ? `${base}/` : `${base}/${encodeURIComponent(slug)}/settings/${page}`
}

/** consolePageUrl, or undefined when there is no Console address or the page's would be unsafe. */
export function safeConsolePageUrl(consoleUrl: string | undefined, slug: string, page: ConsolePage): string | undefined {
  if (!consoleUrl) return undefined
  const url = consolePageUrl(consoleUrl, slug, page)
  return unsafeUrlReason(url) ? undefined : url
}
