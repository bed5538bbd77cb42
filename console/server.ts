// startConsole(): the local Pensar Console as a Bun.serve server, runnable in-process or from main.ts.
import { randomBytes } from 'node:crypto'
import { CLI_CLIENT_ID, resolveOptions, type App, type ConsoleOptions } from './app.ts'
import { applyFault, takeFault } from './faults.ts'
import { ApiError, declaresTooLargeBody, errorResponse, json, tooLarge } from './lib/http.ts'
import { loadSigningKey } from './lib/jwt.ts'
import { matchRoute, type Route } from './router.ts'
import { buildRoutes } from './routes.ts'
import { isControlRoute, isLocalControlRequest } from './api/control.ts'
import { clientAddress } from './lib/addresses.ts'
import { seedDemo } from './seed.ts'
import { countRequest, newStats } from './stats.ts'
import { getMeta, openDatabase, setMeta } from './store/db.ts'
import { purgeExpiredCodes } from './store/device-codes.ts'
import type { Database } from 'bun:sqlite'
import { createTrustedIssuer } from './trust-issuer.ts'
import { Throttle } from './throttle.ts'

export type { ConsoleOptions } from './app.ts'

export interface RunningConsole {
  url: string
  port: number
  stop(): Promise<void>
}

export async function startConsole(input: ConsoleOptions = {}): Promise<RunningConsole> {
  const options = resolveOptions(input)
  const db = openDatabase(options.db)
  const now = input.now ?? Date.now
  const app: App = {
    db,
    options,
    url: '',
    key: await loadSigningKey(db, input.signingAlg),
    now,
    stats: newStats(),
    faults: new Map(),
    trust: options.trustIssuer ? createTrustedIssuer(options.trustIssuer, CLI_CLIENT_ID) : null,
    csrfSecret: loadCsrfSecret(db),
    throttle: new Throttle(now),
  }
  purgeExpiredCodes(db, now())
  if (options.seed === 'demo') await seedDemo(app)
  const routes = buildRoutes(app)

  const server = Bun.serve({
    port: options.port,
    hostname: options.host,
    idleTimeout: 120,
    // Bun answers a declared body over this limit itself, with an empty 413 before `fetch` runs:
    // so no limit here, and `handle` refuses bodies over our own limit with a JSON answer.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: (req, srv) => handle(app, routes, req, clientAddress(req, srv.requestIP(req)?.address ?? 'unknown', options.trustProxy)),
    error: (error) => internalError(error),
  })
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  app.url = options.publicUrl ?? `http://${host}:${server.port}`
  return {
    url: app.url,
    port: server.port!,
    async stop() {
      await server.stop(true)
      db.close()
    },
  }
}

async function handle(app: App, routes: Route[], req: Request, ip: string): Promise<Response> {
  // Bun builds the URL from the Host header, which the client chose: `Host: a@b` makes no URL.
  const url = URL.parse(req.url)
  if (!url) return closedIfBodyUnread(req, errorResponse(new ApiError(400, 'invalid_request', 'The Host header is not a host name.')))
  const match = matchRoute(routes, req.method, url.pathname)
  const routeKey = match.kind === 'found' ? `${match.route.method} ${match.pattern}` : `${req.method} *`
  countRequest(app.stats, routeKey)
  // Decided on the route the path matched, never on how the path was spelled (`//_console/…`).
  const control = match.kind !== 'none' && isControlRoute(match.pattern)
  try {
    if (declaresTooLargeBody(req)) throw tooLarge()
    if (control && !isLocalControlRequest(app, req, url)) {
      throw new ApiError(403, 'forbidden', 'The control API answers only local requests that no other site sent.')
    }
    if (!control) {
      const fault = takeFault(app.faults, routeKey)
      const faulted = fault && (await applyFault(fault))
      if (faulted) return faulted
    }
    if (match.kind === 'wrong-method') {
      throw new ApiError(405, 'method_not_allowed', `Use ${match.allowed.join(' or ')} on ${url.pathname}.`, { allow: match.allowed.join(', ') })
    }
    if (match.kind === 'none') throw new ApiError(404, 'not_found', `No route ${req.method} ${url.pathname}.`)
    return closedIfBodyUnread(req, await match.route.handler({ app, req, url, params: match.params, ip }))
  } catch (error) {
    if (error instanceof ApiError) return closedIfBodyUnread(req, errorResponse(error))
    return internalError(error)
  }
}

// Bun reads and drops a body nobody read, however long it goes on (chunked): closing the connection
// ends it instead.
function closedIfBodyUnread(req: Request, response: Response): Response {
  if (req.body && !req.bodyUsed) response.headers.set('connection', 'close')
  return response
}

// A bug answers a plain 500 and the server keeps serving; the details go to the server's stderr only.
function internalError(error: unknown): Response {
  console.error('pensar-console: request failed:', error instanceof Error ? error.message : String(error))
  return json({ error: 'server_error', error_description: 'The Console hit an internal error. Try again.' }, 500)
}

// Kept in the database so forms rendered before a restart still post afterwards.
function loadCsrfSecret(db: Database): string {
  const existing = getMeta(db, 'csrf_secret')
  if (existing) return existing
  const secret = randomBytes(32).toString('hex')
  setMeta(db, 'csrf_secret', secret)
  return secret
}
