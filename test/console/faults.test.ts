import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { authorizeDevice, getJson, pollToken } from './oauth-client.ts'

let pc: TestConsole
beforeAll(async () => {
  pc = await startTestConsole(['--interval', '0.1'])
}, 30_000)
afterAll(() => pc.stop())

const TOKEN_ROUTE = 'POST /user_management/authenticate'

describe('fault injection', () => {
  test('500 for the next N requests of that route only, then normal answers', async () => {
    const auth = await authorizeDevice(pc.url)
    await pc.control.fault(TOKEN_ROUTE, '500', { count: 2 })
    expect((await getJson(`${pc.url}/api/cli/config`)).status).toBe(200)
    for (let i = 0; i < 2; i++) {
      const { status, body } = await pollToken(pc.url, auth.device_code)
      expect([status, body.error]).toEqual([500, 'server_error'])
    }
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
  })

  test('503 carries Retry-After', async () => {
    await pc.control.fault('GET /api/cli/config', '503', { retryAfter: 7 })
    const response = await fetch(`${pc.url}/api/cli/config`)
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('7')
    expect((await fetch(`${pc.url}/api/cli/config`)).status).toBe(200)
  })

  test('malformed answers 200 with a body that is not JSON', async () => {
    await pc.control.fault('GET /api/cli/config', 'malformed')
    const response = await fetch(`${pc.url}/api/cli/config`)
    expect(response.status).toBe(200)
    await expect(response.json()).rejects.toThrow()
  })

  test('drop closes the connection without an answer', async () => {
    await pc.control.fault(TOKEN_ROUTE, 'drop')
    const auth = await authorizeDevice(pc.url)
    await expect(pollToken(pc.url, auth.device_code)).rejects.toThrow()
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
  })

  test('delay answers normally, only after the other requests', async () => {
    await pc.control.fault('GET /api/cli/config', 'delay', { delayMs: 2000 })
    const order: string[] = []
    const delayed = fetch(`${pc.url}/api/cli/config`).then(async (r) => {
      order.push('delayed')
      return r.status
    })
    await pc.control.stats().then(() => order.push('stats'))
    expect(await delayed).toBe(200)
    expect(order).toEqual(['stats', 'delayed'])
  })

  test('clearFaults disarms everything; bad fault specs are refused', async () => {
    await pc.control.fault('GET /api/cli/config', '500', { count: 5 })
    await pc.control.clearFaults()
    expect((await fetch(`${pc.url}/api/cli/config`)).status).toBe(200)
    await expect(pc.control.fault('GET /api/cli/config', 'explode' as never)).rejects.toThrow(/400/)
    await expect(pc.control.fault('nonsense', '500')).rejects.toThrow(/400/)
  })

  test('stats count requests by route pattern and reset', async () => {
    await pc.control.resetStats()
    await authorizeDevice(pc.url)
    await authorizeDevice(pc.url)
    const stats = await pc.control.stats()
    expect(stats.requests['POST /user_management/authorize/device']).toBe(2)
    expect(stats.deviceGrants).toBe(0)
  })
})
