// Which proxy Bun's fetch would use for the API, read the way Bun reads it (measured with Bun
// 1.4.5): https addresses use HTTPS_PROXY only, http addresses HTTP_PROXY (either case), and a
// NO_PROXY entry (`host`, `.domain`, `host:port`, `*`) sends a host around it.
import { isLoopbackHost } from '../../lib/safe-url'

export interface ProxyRoute {
  scheme: 'http' | 'https'
  host: string
  loopback: boolean
  /** The variable that names a proxy for this scheme, if any. */
  variable?: string
  /** The proxy address without any user:password. */
  shown?: string
  invalid?: boolean
  /** NO_PROXY lists the host. */
  bypassed?: boolean
}

export function proxyFor(apiUrl: string, vars: Record<string, string | undefined>): ProxyRoute {
  const url = new URL(apiUrl)
  const scheme = url.protocol === 'http:' ? 'http' : 'https'
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const route: ProxyRoute = { scheme, host, loopback: isLoopbackHost(host) }
  const names = scheme === 'https' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const variable = names.find((name) => vars[name]?.trim())
  if (!variable) return route
  const value = vars[variable]!.trim()
  const port = url.port || (scheme === 'https' ? '443' : '80')
  return { ...route, variable, shown: withoutCredentials(value), invalid: !parses(value), bypassed: listedInNoProxy(host, port, vars.no_proxy || vars.NO_PROXY || '') }
}

function listedInNoProxy(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(/[,\s]+/).filter(Boolean)) {
    if (raw === '*') return true
    const match = /^\[?(.*?)\]?(?::(\d+))?$/.exec(raw.toLowerCase())
    const entryPort = match?.[2]
    const entry = (match?.[1] ?? '').replace(/^\*?\./, '')
    if (!entry || (entryPort && entryPort !== port)) continue
    if (host === entry) return true
    // Suffix matching is for names only: `.0.0.1` does not cover 127.0.0.1.
    if (!/^[\d.:]+$/.test(host) && host.endsWith(`.${entry}`)) return true
  }
  return false
}

function parses(value: string): boolean {
  try {
    const url = new URL(value.includes('://') ? value : `http://${value}`)
    return Boolean(url.hostname)
  } catch {
    return false
  }
}

/** `http://user:secret@proxy:3128` → `http://***@proxy:3128`: a proxy password is never shown. */
export function withoutCredentials(value: string): string {
  return value.replace(/^([a-z][\w+.-]*:\/\/)?[^@/]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`)
}
