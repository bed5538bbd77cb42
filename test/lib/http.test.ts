import { describe, expect, test } from 'bun:test'
import { CancelledError } from '../../src/lib/errors'
import { createHttp, HttpError } from '../../src/lib/http'
import { createDebugLog } from '../../src/lib/debug-log'
import { silentLog } from '../../src/lib/log'
import { FakeClock } from '../helpers/fake-clock'
import { certificateError, FakeFetch, json, networkError, oauthError } from '../helpers/fake-fetch'

const URL_ = 'https://api.test/x'

function setup(opts: { debug?: boolean; signal?: AbortSignal } = {}) {
  const fetch = new FakeFetch()
  const clock = new FakeClock()
  const logLines: string[] = []
  const http = createHttp({ fetch: fetch.fetch, clock, log: opts.debug ? createDebugLog({ write: (l) => logLines.push(l), fancy: false }) : silentLog, signal: opts.signal })
  return { fetch, clock, http, logLines }
}

describe('http', () => {
  test('parses JSON and sends Bearer tokens', async () => {
    const { fetch, http } = setup()
    fetch.on('GET', '/x', json({ ok: 1 }))
    expect(await http.get(URL_, { token: 'abc' })).toEqual({ ok: 1 })
    expect(fetch.requests[0]!.headers.get('authorization')).toBe('Bearer abc')
  })

  test('posts forms form-encoded', async () => {
    const { fetch, http } = setup()
    fetch.on('POST', '/x', json({}))
    await http.postForm(URL_, { a: '1', b: 'x y' })
    expect(fetch.requests[0]!.headers.get('content-type')).toContain('application/x-www-form-urlencoded')
    expect(fetch.requests[0]!.form).toEqual({ a: '1', b: 'x y' })
  })

  test('reads the OAuth error from the body of a 400', async () => {
    const { fetch, http } = setup()
    fetch.on('POST', '/x', oauthError('authorization_pending', 400, 'wait'))
    const error = (await http.postForm(URL_, {}).catch((e) => e)) as HttpError
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ kind: 'status', status: 400, oauthError: 'authorization_pending', description: 'wait', transient: false })
  })

  test('a POST is not retried by default', async () => {
    const { fetch, http } = setup()
    fetch.on('POST', '/x', json({ error: 'server_error' }, 500))
    const error = (await http.postForm(URL_, {}).catch((e) => e)) as HttpError
    expect(error.status).toBe(500)
    expect(error.transient).toBe(true)
    expect(fetch.requests).toHaveLength(1)
  })

  test('a GET is retried once after a 503, waiting Retry-After', async () => {
    const { fetch, http, clock } = setup()
    fetch.on('GET', '/x', json({ error: 'x' }, 503, { 'retry-after': '2' }))
    fetch.on('GET', '/x', json({ ok: true }))
    expect(await http.get(URL_)).toEqual({ ok: true })
    expect(clock.sleeps).toEqual([2000])
    fetch.verify()
  })

  test('a dropped connection is a transient network error', async () => {
    const { fetch, http } = setup()
    fetch.on('POST', '/x', networkError('socket hang up'))
    const error = (await http.postJson(URL_, {}).catch((e) => e)) as HttpError
    expect(error.kind).toBe('network')
    expect(error.transient).toBe(true)
    expect(error.message).toContain('Could not reach https://api.test/x')
    expect(error.hint).toContain('--api-url')
  })

  test.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'is not signed by a certificate authority this computer trusts', 'NODE_EXTRA_CA_CERTS'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'is not signed by a certificate authority this computer trusts', 'SSL_CERT_FILE'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'is not signed by a certificate authority this computer trusts', '`pensar doctor`'],
    ['CERT_HAS_EXPIRED', 'has expired or is not valid yet', "this computer's date and time"],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'is for another host name', 'NODE_EXTRA_CA_CERTS'],
  ])('a certificate it cannot verify (%s) says so and what to do', async (code, says, hint) => {
    const { fetch, http } = setup()
    fetch.on('POST', '/x', certificateError(code))
    const error = (await http.postJson(URL_, {}).catch((e) => e)) as HttpError
    expect(error.kind).toBe('certificate')
    expect(error.transient).toBe(false) // waiting does not fix it: no retry, no back-off
    expect(error.code).toBe('certificate')
    expect(error.message).toBe(`Could not verify the certificate of https://api.test: it ${says} (${code}).`)
    expect(error.message).not.toContain('Check your network')
    expect(error.hint).toContain(hint)
    expect(error.hint).toContain('pensar doctor')
  })

  test('a certificate error wrapped in causes (as ofetch wraps it) is recognised, and a GET is not retried', async () => {
    const { fetch, http, clock } = setup()
    fetch.on('GET', '/x', () => {
      throw new Error('fetch failed', { cause: Object.assign(new TypeError('self signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) })
    })
    const error = (await http.get(URL_).catch((e) => e)) as HttpError
    expect(error.kind).toBe('certificate')
    expect(clock.sleeps).toEqual([])
    fetch.verify()
  })

  test('a 200 that is not JSON is "malformed"', async () => {
    const { fetch, http } = setup()
    fetch.on('GET', '/x', new Response('<html>', { status: 200 }), 2)
    const error = (await http.get(URL_).catch((e) => e)) as HttpError
    expect(error.kind).toBe('malformed')
  })

  test('each attempt gets its own timeout, so a retry is not born aborted', async () => {
    const { fetch, http } = setup()
    fetch.on('GET', '/x', () => new Promise<Response>(() => {}))
    fetch.on('GET', '/x', json({ ok: true }))
    expect(await http.get(URL_, { timeoutMs: 50 })).toEqual({ ok: true })
    fetch.verify()
  }, 30_000)

  test('a timeout is reported as such', async () => {
    const { fetch, http } = setup()
    fetch.on('POST', '/x', () => new Promise<Response>(() => {}))
    const error = (await http.postJson(URL_, {}, { timeoutMs: 50 }).catch((e) => e)) as HttpError
    expect(error.kind).toBe('timeout')
    expect(error.message).toBe('https://api.test/x did not answer within 50 ms.')
  }, 30_000)

  test('an aborted signal rejects with a CancelledError', async () => {
    const abort = new AbortController()
    const { fetch, http } = setup({ signal: abort.signal })
    fetch.on('GET', '/x', () => {
      abort.abort(new CancelledError())
      return new Promise<Response>(() => {})
    })
    const pending = http.get(URL_)
    expect(await pending.catch((e) => e)).toBeInstanceOf(CancelledError)
  })

  test('hands every Date header to the listeners', async () => {
    const { fetch, http, clock } = setup()
    fetch.on('GET', '/x', json({}, 200, { date: 'Thu, 01 Jan 2026 12:10:00 GMT' }))
    const seen: [number, number][] = []
    http.onServerDate((s, l) => seen.push([s, l]))
    await http.get(URL_)
    expect(seen).toEqual([[Date.parse('2026-01-01T12:10:00Z'), clock.now()]])
  })

  test('the debug log redacts tokens, codes and keys', async () => {
    const { fetch, http, logLines } = setup({ debug: true })
    fetch.on('POST', '/x', json({ access_token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.sig', refresh_token: 'rt_secret123456', user: { email: 'a@b' } }))
    await http.postForm(URL_, { device_code: 'dc_supersecret0123456789', client_id: 'client_x' }, { token: 'psk_apikey0123456' })
    const log = logLines.join('')
    expect(log).toContain('client_id=client_x')
    expect(log).toContain('a@b')
    for (const secret of ['dc_supersecret', 'eyJhbGciOiJFUzI1NiJ9', 'rt_secret', 'psk_apikey']) expect(log).not.toContain(secret)
  })
})
