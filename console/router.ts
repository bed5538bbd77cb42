// A tiny router: `GET /:slug/settings/billing` patterns, with the pattern as the route key for
// stats and faults, and 405 for a known path with the wrong method.
import type { App } from './app.ts'

export interface RequestContext {
  app: App
  req: Request
  url: URL
  params: Record<string, string>
  ip: string
}

export type Handler = (ctx: RequestContext) => Response | Promise<Response>

export interface Route {
  method: string
  pattern: string
  handler: Handler
}

/** `pattern` is the route the path matched: what every decision about the request is made on. */
export type Match =
  | { kind: 'found'; route: Route; pattern: string; params: Record<string, string> }
  | { kind: 'wrong-method'; pattern: string; allowed: string[] }
  | { kind: 'none' }

export function matchRoute(routes: Route[], method: string, pathname: string): Match {
  const segments = splitPath(pathname)
  const allowed: string[] = []
  let pattern = ''
  for (const route of routes) {
    const params = matchPattern(splitPath(route.pattern), segments)
    if (!params) continue
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', route, pattern: route.pattern, params }
    allowed.push(route.method)
    pattern ||= route.pattern
  }
  return allowed.length ? { kind: 'wrong-method', pattern, allowed } : { kind: 'none' }
}

// Lenient on purpose (`//a`, `/a/` and `/a` are one path): the request's raw spelling never decides
// anything, only the pattern it matched. URL parsing has already resolved `.` and `..` segments.
function splitPath(path: string): string[] {
  return path.split('/').filter(Boolean)
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!
    const segment = segments[i]!
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment)
      } catch {
        return null
      }
    } else if (part !== segment) return null
  }
  return params
}
