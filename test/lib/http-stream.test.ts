// http.postStream: a streamed answer read as it arrives, with the client's errors, time limits,
// Ctrl-C and redacted --debug log.
import { describe, expect, test } from 'bun:test'
import { CancelledError } from '../../src/lib/errors'
import { createDebugLog } from '../../src/lib/debug-log'
import { createHttp, HttpError } from '../../src/lib/http'
import { silentLog } from '../../src/lib/log'
import { FakeClock } from '../helpers/fake-clock'
import { FakeFetch, json } from '../helpers/fake-fetch'
import { controlledStream } from '../helpers/stream-response'

const URL_ = 'https://gateway.test/gateway/v1/messages'

function setup(opts: { debug?: boolean; signal?: AbortSignal } = {}) {
  const fetch = new FakeFetch()
  const logLines: string[] = []
  const log = opts.debug ? createDebugLog({ write: (l) => logLines.push(l), fancy: false }) : silentLog
  return { fetch, logLines, http: createHttp({ fetch: fetch.fetch, clock: new FakeClock(), log, signal: opts.signal }) }
}

const text = (chunks: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(chunks))

describe('http.postStream', () => {
  test('hands over each chunk as it arrives; sends the string body as it is, with the token and an SSE accept', async () => {
    const { fetch, http } = setup()
    const stream = controlledStream()
    fetch.on('POST', '/gateway/v1/messages', () => stream.response)
    const body = '{"model":"m","stream":true}'
    const answer = await http.postStream(URL_, body, { token: 'tok', headers: { 'X-Extra': '1' } })
    const sent = fetch.requests[0]!
    expect([sent.body, sent.headers.get('authorization'), sent.headers.get('accept'), sent.headers.get('content-type'), sent.headers.get('x-extra')])
      .toEqual([body, 'Bearer tok', 'text/event-stream', 'application/json', '1'])
    const iterator = answer.chunks[Symbol.asyncIterator]()
    stream.push('first')
    expect(text([(await iterator.next()).value])).toBe('first')
    stream.push('second')
    expect(text([(await iterator.next()).value])).toBe('second')
    stream.end()
    expect((await iterator.next()).done).toBe(true)
  })

  test('an error answer throws before any streaming, with its body in `details`', async () => {
    const { fetch, http } = setup()
    fetch.on('POST', '/gateway/v1/messages', json({ error: 'insufficient_credits', error_description: 'no money', billingUrl: 'https://c/acme/settings/billing' }, 402))
    const error = (await http.postStream(URL_, {}).catch((e) => e)) as HttpError
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ status: 402, oauthError: 'insufficient_credits', description: 'no money' })
    expect(error.details.billingUrl).toBe('https://c/acme/settings/billing')
  })

  test('no headers within timeoutMs: a timeout error, and the request is aborted', async () => {
    const { fetch } = setup()
    let signal: AbortSignal | undefined
    const never = new Promise<Response>(() => {})
    const fetchSpy = fetch.fetch
    const spying = createHttp({ fetch: (input, init) => ((signal = init?.signal ?? undefined), fetchSpy(input, init)), clock: new FakeClock(), log: silentLog })
    fetch.on('POST', '/gateway/v1/messages', () => never)
    const error = (await spying.postStream(URL_, {}, { timeoutMs: 20 }).catch((e) => e)) as HttpError
    expect(error).toBeInstanceOf(HttpError)
    expect([error.kind, error.message]).toEqual(['timeout', 'https://gateway.test/gateway/v1/messages did not answer within 20 ms.'])
    expect(signal?.aborted).toBe(true)
  })

  test('the headers timeout does not limit a long answer; a silence longer than idleTimeoutMs does', async () => {
    const { fetch, http } = setup()
    const stream = controlledStream()
    fetch.on('POST', '/gateway/v1/messages', () => stream.response)
    const answer = await http.postStream(URL_, {}, { timeoutMs: 10, idleTimeoutMs: 60 })
    const iterator = answer.chunks[Symbol.asyncIterator]()
    await Bun.sleep(30) // time passing beyond timeoutMs is what this checks
    stream.push('late but fine')
    expect(text([(await iterator.next()).value])).toBe('late but fine')
    const error = (await iterator.next().catch((e) => e)) as HttpError
    expect(error).toBeInstanceOf(HttpError)
    expect([error.kind, error.message]).toEqual(['timeout', 'https://gateway.test/gateway/v1/messages stopped sending for 0 s.'])
    expect(stream.cancelled).toBe(true)
  })

  test('a connection that breaks mid-answer is a network error', async () => {
    const { fetch, http } = setup()
    const stream = controlledStream()
    fetch.on('POST', '/gateway/v1/messages', () => stream.response)
    const iterator = (await http.postStream(URL_, {})).chunks[Symbol.asyncIterator]()
    stream.push('part')
    await iterator.next()
    stream.fail()
    const error = (await iterator.next().catch((e) => e)) as HttpError
    expect([error.kind, error.transient]).toEqual(['network', true])
    expect(error.message).toContain('broke mid-answer (socket hang up)')
  })

  test('Ctrl-C mid-answer: a CancelledError, and the connection is closed', async () => {
    const abort = new AbortController()
    const { fetch, http } = setup({ signal: abort.signal })
    const stream = controlledStream()
    fetch.on('POST', '/gateway/v1/messages', () => stream.response)
    const iterator = (await http.postStream(URL_, {})).chunks[Symbol.asyncIterator]()
    stream.push('part')
    await iterator.next()
    const pending = iterator.next()
    abort.abort(new CancelledError('Stopped.'))
    const error = await pending.catch((e) => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(error.message).toBe('Stopped.')
    expect(stream.cancelled).toBe(true)
  })

  test('a reader that stops early closes the connection', async () => {
    const { fetch, http } = setup()
    const stream = controlledStream()
    fetch.on('POST', '/gateway/v1/messages', () => stream.response)
    const answer = await http.postStream(URL_, {})
    stream.push('one')
    for await (const _chunk of answer.chunks) break
    expect(stream.cancelled).toBe(true)
  })

  test('--debug logs the request redacted, the status and the byte count, never the token', async () => {
    const { fetch, http, logLines } = setup({ debug: true })
    const stream = controlledStream()
    fetch.on('POST', '/gateway/v1/messages', () => stream.response)
    const answer = await http.postStream(URL_, JSON.stringify({ model: 'm', signingKey: 'sk_secretsecret', messages: [] }), { token: 'eyJhbGciOi.eyJzdWIiOi.c2ln' })
    stream.push('12345')
    stream.end()
    for await (const _chunk of answer.chunks);
    const log = logLines.join('')
    expect(log).toContain('→ POST https://gateway.test/gateway/v1/messages {"model":"m","signingKey":"[redacted]","messages":[]}')
    expect(log).toContain('← 200 POST')
    expect(log).toContain('ended (5 bytes)')
    expect(log).not.toContain('sk_secretsecret')
    expect(log).not.toContain('eyJhbGciOi')
  })

  test('the Date header reaches the server-clock listeners', async () => {
    const { fetch, http } = setup()
    const stream = controlledStream({ 'content-type': 'text/event-stream', date: 'Tue, 01 Jan 2030 00:00:00 GMT' })
    fetch.on('POST', '/gateway/v1/messages', () => stream.response)
    const seen: number[] = []
    http.onServerDate((serverMs) => seen.push(serverMs))
    await http.postStream(URL_, {})
    expect(seen).toEqual([Date.parse('2030-01-01T00:00:00Z')])
  })
})
