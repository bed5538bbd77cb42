import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { bytesUntilServerCloses, rawRequest } from './raw-http.ts'

let pc: TestConsole
beforeAll(async () => {
  pc = await startTestConsole()
}, 30_000)
afterAll(() => pc.stop())

async function send(method: string, path: string, body?: string, contentType = 'application/json') {
  const response = await fetch(pc.url + path, { method, body, headers: body === undefined ? {} : { 'content-type': contentType } })
  const text = await response.text()
  return { status: response.status, type: response.headers.get('content-type'), text, json: () => JSON.parse(text) as Record<string, string> }
}

function expectOAuthError(result: Awaited<ReturnType<typeof send>>, status: number, error: string) {
  expect(result.status).toBe(status)
  expect(result.type).toBe('application/json; charset=utf-8')
  const body = result.json()
  expect(body.error).toBe(error)
  expect(body.error_description).toBeString()
  expect(result.text).not.toContain('    at ')
}

describe('bad input answers a 4xx JSON error, never a 500 or a stack trace', () => {
  test('malformed JSON and non-object JSON', async () => {
    expectOAuthError(await send('POST', '/user_management/authorize/device', '{"client_id":'), 400, 'invalid_request')
    expectOAuthError(await send('POST', '/user_management/authorize/device', '[1,2]'), 400, 'invalid_request')
    expectOAuthError(await send('POST', '/auth/device/token', 'null'), 400, 'invalid_request')
  })

  test('wrong-typed fields', async () => {
    expectOAuthError(await send('POST', '/user_management/authorize/device', '{"client_id":42}'), 400, 'invalid_request')
    expectOAuthError(await send('POST', '/user_management/authenticate', '{"grant_type":["x"],"client_id":"client_pensar_cli"}'), 400, 'invalid_request')
    expectOAuthError(await send('POST', '/auth/device/token', '{"deviceCode":{"a":1}}'), 400, 'invalid_request')
    expectOAuthError(await send('POST', '/_console/workspaces/nope/billing', '{"balance":"lots"}'), 404, 'not_found')
  })

  test('unknown client', async () => {
    expectOAuthError(await send('POST', '/user_management/authorize/device', 'client_id=evil', 'application/x-www-form-urlencoded'), 401, 'invalid_client')
  })

  test('bodies over 64 KB get 413, with or without Content-Length', async () => {
    const big = JSON.stringify({ client_id: 'client_pensar_cli', pad: 'x'.repeat(70 * 1024) })
    expectOAuthError(await send('POST', '/user_management/authorize/device', big), 413, 'request_too_large')
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(4096)))
        controller.close()
      },
    })
    const response = await fetch(`${pc.url}/user_management/authenticate`, { method: 'POST', body: chunked, headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(413)
  })

  test('bodies over 1 MB get the same JSON 413 (not an empty one from the server), on any route', async () => {
    const huge = JSON.stringify({ client_id: 'client_pensar_cli', pad: 'x'.repeat(2 * 1024 * 1024) })
    for (const path of ['/user_management/authorize/device', '/_console/users', '/no/such/route']) {
      const answer = await send('POST', path, huge)
      expectOAuthError(answer, 413, 'request_too_large')
    }
  })

  test('an endless streamed body is not read on after the answer: the connection closes', async () => {
    const limit = 256 * 1024 * 1024
    for (const path of ['/no/such/route', '/user_management/authorize/device', '/api/cli/select-workspace']) {
      expect(await bytesUntilServerCloses(pc.url, path, limit)).toBeLessThan(limit)
    }
  })

  test('a Host header that makes no URL (`a@b`, a space) gets 400, not 500', async () => {
    for (const host of ['evil.example@127.0.0.1', '127.0.0.1:1@evil', 'a b']) {
      const answer = await rawRequest(pc.url, 'GET', '/api/cli/config', { host })
      expect({ host, status: answer.status }).toEqual({ host, status: 400 })
      expect(answer.body).toContain('invalid_request')
    }
    expect(pc.stderr()).not.toContain('Invalid URL')
  })

  test('unknown routes get 404 and known paths with the wrong method 405', async () => {
    expectOAuthError(await send('GET', '/no/such/route'), 404, 'not_found')
    expectOAuthError(await send('GET', '/user_management/authenticate'), 405, 'method_not_allowed')
  })

  test('an unsupported content type gets 415', async () => {
    expectOAuthError(await send('POST', '/user_management/authorize/device', '<xml/>', 'application/xml'), 415, 'unsupported_media_type')
  })

  test('a throwing handler answers 500 server_error and the server stays up', async () => {
    expectOAuthError(await send('GET', '/_console/crash'), 500, 'server_error')
    expect((await send('GET', '/api/cli/config')).status).toBe(200)
  })

  test('secrets never reach the server log', async () => {
    const auth = (await send('POST', '/user_management/authorize/device', '{"client_id":"client_pensar_cli"}')).json()
    await send('GET', '/_console/crash')
    expect(pc.stderr()).not.toContain(auth.device_code!)
  })
})

describe('the control API exists only with --dev', () => {
  test('without --dev, /_console routes are 404', async () => {
    const proc = Bun.spawn(['bun', 'console/main.ts', '--port', '0', '--db', ':memory:'], { cwd: `${import.meta.dir}/../..`, stdout: 'pipe', stderr: 'pipe' })
    try {
      const reader = proc.stdout.getReader()
      let out = ''
      while (!/listening on (\S+)/.test(out)) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`console exited: ${out}`)
        out += new TextDecoder().decode(value)
      }
      const url = /listening on (\S+)/.exec(out)![1]!
      expect((await fetch(`${url}/_console/stats`)).status).toBe(404)
      expect((await fetch(`${url}/_console/crash`)).status).toBe(404)
    } finally {
      proc.kill()
      await proc.exited
    }
  }, 30_000)
})
