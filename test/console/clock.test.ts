// In-process Console with a fake clock: exact expiry and interval boundaries without waiting.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startConsole, type RunningConsole } from '../../console/server.ts'
import { consoleControl } from '../helpers/console.ts'
import { authorizeDevice, bearer, getJson, loginAs, pollToken } from './oauth-client.ts'

let now = Date.UTC(2030, 0, 1)
let pc: RunningConsole
const advance = (seconds: number) => (now += seconds * 1000)

beforeAll(async () => {
  pc = await startConsole({ port: 0, db: ':memory:', dev: true, now: () => now })
})
afterAll(() => pc.stop())

describe('with the default lifetimes (600 s codes, 300 s tokens, 5 s interval)', () => {
  test('a poll exactly one interval later is fine; 251 ms early is slow_down', async () => {
    const auth = await authorizeDevice(pc.url)
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
    advance(5)
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
    advance(4.75) // within the 250 ms grace
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
    advance(4.749)
    expect((await pollToken(pc.url, auth.device_code)).body).toMatchObject({ error: 'slow_down', interval: 10 })
    advance(9.8)
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
  })

  test('a device code lives 600 s', async () => {
    const auth = await authorizeDevice(pc.url)
    advance(599)
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('authorization_pending')
    advance(1)
    expect((await pollToken(pc.url, auth.device_code)).body.error).toBe('expired_token')
  })

  test('an access token works until exp, then 401', async () => {
    const control = consoleControl(pc.url)
    const tokens = await loginAs(pc.url, (code) => control.approve(code, 'clock@example.com'))
    advance(299)
    expect((await getJson(`${pc.url}/api/cli/workspaces`, bearer(tokens.access_token))).status).toBe(200)
    advance(1)
    expect((await getJson(`${pc.url}/api/cli/workspaces`, bearer(tokens.access_token))).status).toBe(401)
  })
})
