// Addresses from a server that we show as links or hand to a browser must be https:, or http:
// on a loopback host (the local Console). A javascript:, file: or plain-http address on the
// open network is refused: a hostile or spoofed server must not get the browser to run it.
import { PensarError } from './errors'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname.toLowerCase().endsWith('.localhost')
}

export function unsafeUrlReason(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'it is not a valid URL'
  }
  if (parsed.protocol === 'https:') return undefined
  if (parsed.protocol === 'http:') return isLoopbackHost(parsed.hostname) ? undefined : 'plain http: is only allowed for this computer (localhost)'
  return `${parsed.protocol} addresses are never opened`
}

/** Throws when `url` is not safe to show or open; `what` names it in the message. */
export function assertSafeUrl(url: string, what: string): string {
  const reason = unsafeUrlReason(url)
  if (reason) {
    throw new PensarError(`The server sent an unsafe ${what} (${describe(url)}): ${reason}. Refusing to continue.`, {
      code: 'unsafe_url',
      hint: 'Check that --api-url / PENSAR_API_URL points at a Pensar Console you trust.',
    })
  }
  return url
}

function describe(url: string): string {
  const shown = url.length > 60 ? `${url.slice(0, 57)}…` : url
  return JSON.stringify(shown)
}
