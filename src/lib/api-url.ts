// The Pensar Console API address (--api-url, PENSAR_API_URL, config.json `apiUrl`): an http(s)
// URL without credentials, query or fragment. Credentials in it would be printed (status, doctor,
// `logged_in`) and stored in config.json, which holds nothing secret; a query or fragment would be
// glued into every request path. Surrounding spaces and trailing slashes are dropped, so one
// Console has one spelling, which is what a stored session is compared with.
import { UsageError } from './errors'

export type ApiUrlCheck = { ok: true; url: string } | { ok: false; problem: string }

export function checkApiUrlValue(value: string): ApiUrlCheck {
  const trimmed = value.trim().replace(/\/+$/, '')
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return { ok: false, problem: 'it is not a URL' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: `${url.protocol} is not http: or https:` }
  if (url.username || url.password) return { ok: false, problem: 'it holds a user name or password, which pensar would show and store' }
  if (url.search || trimmed.includes('?')) return { ok: false, problem: 'it has a query (?…)' }
  if (url.hash || trimmed.includes('#')) return { ok: false, problem: 'it has a fragment (#…)' }
  return { ok: true, url: trimmed }
}

/** The value as a person may see it: never its credentials, and never pages of it. */
export function describeApiUrlValue(value: string): string {
  const withoutUserinfo = value.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@')
  return JSON.stringify(withoutUserinfo.length > 80 ? `${withoutUserinfo.slice(0, 77)}…` : withoutUserinfo)
}

/** Two spellings of the same API address compare equal (host case, default port). */
export function sameApiUrl(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)]
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '')
  } catch {
    return a === b
  }
}

/** A setting given by the person (--api-url, PENSAR_API_URL): the address, or a usage error (exit 2). */
export function requireApiUrl(value: string, source: string): string {
  const checked = checkApiUrlValue(value)
  if (checked.ok) return checked.url
  throw new UsageError(`Invalid API URL in ${source} (${describeApiUrlValue(value)}): ${checked.problem}.`, {
    code: 'invalid_api_url',
    hint: 'Give the address alone, e.g. https://api.console.pensar.dev',
  })
}
