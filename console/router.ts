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

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' }

export function matchRoute(routes: Route[], method: string, pathname: string): Match {
  const segments = splitPath(pathname)
  const allowed: string[] = []
  for (const route of routes) {
    const params = matchPattern(splitPath(route.pattern), segments)
    if (!params) continue
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', route, params }
    allowed.push(route.method)
  }
  return allowed.length ? { kind: 'wrong-method', allowed } : { kind: 'none' }
}

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
