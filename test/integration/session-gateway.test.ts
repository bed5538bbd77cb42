// In-process against the local Console: the authenticated client's gateway signature is verified
// by the Console, and a Context whose clock is 10 minutes off still refreshes exactly when the
// server's clock says so.
import { describe, expect, test } from 'bun:test'
import { createContext, type Context } from '../../src/context'
import { getValidAccessToken } from '../../src/flows/session/refresh'
import { createAuthedClient } from '../../src/flows/session/authed-client'
import type { Clock } from '../../src/lib/clock'
import { createHttp, HttpError } from '../../src/lib/http'
import { binarySuite } from '../helpers/binary-suite'
import { controlCall, loggedInHome, type LoggedInHome } from '../helpers/logged-in-home'
import { captureIo } from '../helpers/process-io'
import { untilJwtExpired } from '../helpers/wait-until'

const TIMEOUT = 90_000
const { root, startConsole } = binarySuite('pensar-gateway-int-')

const consoleWith = (args: string[]) => startConsole(['--interval', '0.2', '--seed', 'demo', ...args])

/** A Context like the binary's, for a logged-in home, with the local clock shifted by `offsetMs`. */
async function contextFor(h: LoggedInHome, offsetMs = 0): Promise<Context> {
  const io = captureIo({ vars: { HOME: h.home, PENSAR_HOME: h.pensarHome, NO_PROXY: '127.0.0.1,localhost' } })
  const base = await createContext({ json: false, debug: false }, { ...io, fetch })
  const clock: Clock = { now: () => Date.now() + offsetMs, sleep: (ms, signal) => base.clock.sleep(ms, signal), timeout: (ms) => base.clock.timeout(ms) }
  return { ...base, clock, http: createHttp({ fetch, clock, log: base.log, signal: base.signal }) }
}

const stats = (url: string) => controlCall(url, 'GET', '/_console/stats')
const message = { model: 'pensar-small', messages: [{ role: 'user', content: 'hello' }] }

describe('gateway signature, verified by the Console', () => {
  test('a signed request is accepted and billed; a tampered or replayed one is refused', async () => {
    const c = await consoleWith(['--access-ttl', '300'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const ctx = await contextFor(h)
    const client = createAuthedClient(ctx)
    const answer = await client.postSigned<{ id: string; usage: { cost: number } }>('/gateway/v1/messages', message)
    expect(answer.id).toStartWith('msg_')
    const after = await client.get<{ credits: { balance: number } }>(`${await client.gatewayUrl()}/gateway/validate`)
    expect(after.credits.balance).toBeCloseTo(50 - answer.usage.cost, 2)

    // The same headers on a different body: the Console must refuse it.
    const token = await getValidAccessToken(ctx)
    const sent: Request[] = []
    const spyCtx = { ...ctx, http: createHttp({ fetch: async (input, init) => (sent.push(new Request(String(input), init)), fetch(input, init)), clock: ctx.clock, log: ctx.log }) }
    await createAuthedClient(spyCtx).postSigned('/gateway/v1/messages', message)
    const headers: Record<string, string> = {}
    sent[0]!.headers.forEach((value, key) => (headers[key] = value))
    const tampered = await fetch(`${c.url}/gateway/v1/messages`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body: JSON.stringify({ ...message, model: 'pensar-large' }) })
    expect(tampered.status).toBe(401)
    expect(((await tampered.json()) as { error: string }).error).toBe('invalid_signature')
    const replayed = await fetch(`${c.url}/gateway/v1/messages`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body: JSON.stringify(message) })
    expect(replayed.status).toBe(401)
  }, TIMEOUT)

  test('with an expired access token the client refreshes, then signs', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    await untilJwtExpired(String(h.auth().accessToken))
    const before = (await stats(c.url)).refreshes as number
    const answer = await createAuthedClient(await contextFor(h)).postSigned<{ id: string }>('/gateway/v1/messages', message)
    expect(answer.id).toStartWith('msg_')
    expect((await stats(c.url)).refreshes).toBe(before + 1)
  }, TIMEOUT)
})

describe('a local clock 10 minutes off', () => {
  test('fast: one refresh teaches the skew, later processes do not refresh a valid token', async () => {
    const c = await consoleWith(['--access-ttl', '300'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const before = (await stats(c.url)).refreshes as number
    for (let i = 0; i < 3; i++) {
      const client = createAuthedClient(await contextFor(h, 600_000)) // a new "process" each time
      await client.get(`${await client.gatewayUrl()}/gateway/validate`)
    }
    expect((await stats(c.url)).refreshes).toBe(before + 1)
    expect(Math.abs(h.config().clockSkewMs + 600_000)).toBeLessThan(5_000)
  }, TIMEOUT)

  test('slow: an expired token that looks valid gets one 401, one refresh, and works', async () => {
    const c = await consoleWith(['--access-ttl', '2'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    await untilJwtExpired(String(h.auth().accessToken))
    await controlCall(c.url, 'POST', '/_console/stats/reset')
    const client = createAuthedClient(await contextFor(h, -600_000))
    const body = await client.get<{ workspace: { slug: string } }>(`${await client.gatewayUrl()}/gateway/validate`)
    expect(body.workspace.slug).toBe('acme')
    const s = await stats(c.url)
    expect(s.refreshes).toBe(1)
    expect(s.requests['GET /gateway/validate']).toBe(2)
  }, TIMEOUT)

  test('an HTTP error other than 401 is not retried as an auth problem', async () => {
    const c = await consoleWith(['--access-ttl', '300'])
    const h = await loggedInHome(c.url, { root, workspace: 'acme' })
    const error = await createAuthedClient(await contextFor(h)).get('/api/cli/no-such-route').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(404)
  }, TIMEOUT)
})
