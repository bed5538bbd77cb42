// The Console ends the session (an admin, a stolen laptop): the next command cannot renew the
// token and says the session expired, exit 4. Access tokens live 4 seconds,
// so the commands below go through the refresh grant rather than only the 401 path.
import { expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ConsoleStats } from '../helpers/console'
import { logIn, PASSWORD } from './support/journeys'
import { describeE2E } from './support/prerequisites'
import { runScenario } from './support/scenario'
import { FAST_POLLING, SCENARIO_TIMEOUT_MS, useStage } from './support/stage'

const EXPIRY_NOTICE = 'Your Pensar Console session has expired. Run `pensar login` to reconnect.'

describeE2E('a session revoked by the Console', () => {
  const setup = useStage([...FAST_POLLING, '--access-ttl', '4'])

  test('the Console revokes the session: the next command prints the expiry notice and exits 4', async () => {
    const email = 'revoked@e2e.test'
    const { control } = setup.console()
    await control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Revoked', slug: 'revoked', balance: 10, hasPaymentMethod: true }] })
    await runScenario('session-revoked', setup.stage(), async (s) => {
      await logIn(s, email)
      const refreshesBefore = (await control.stats()).refreshes
      await untilTokenDueForRenewal(s.pensarHome)
      const healthy = await s.command(['status'])
      expect(healthy.exitCode).toBe(0)
      expect((await control.stats()).refreshes).toBeGreaterThan(refreshesBefore) // the token was renewed

      expect((await control.revokeSessions(email)).revoked).toBeGreaterThanOrEqual(1)
      await untilTokenDueForRenewal(s.pensarHome)
      const tokenCallsBefore = tokenEndpointCalls(await control.stats())
      const after = await s.command(['status'])
      expect(tokenEndpointCalls(await control.stats())).toBeGreaterThan(tokenCallsBefore) // it tried the refresh token
      expect(after.exitCode).toBe(4)
      expect(after.stderr).toContain(EXPIRY_NOTICE)
      expect(after.stderr.split(EXPIRY_NOTICE)).toHaveLength(2) // said once
    })
  }, SCENARIO_TIMEOUT_MS)
})

function tokenEndpointCalls(stats: ConsoleStats): number {
  return stats.requests['POST /user_management/authenticate'] ?? 0
}

/**
 * Waits until the stored access token is inside the CLI's renewal margin (half the lifetime of a
 * token this short, src/flows/session/token-expiry.ts), so the next command must use the refresh token.
 * The condition is the token's own clock; the wait ends as soon as it holds.
 */
async function untilTokenDueForRenewal(pensarHome: string): Promise<void> {
  const auth = JSON.parse(readFileSync(join(pensarHome, 'auth.json'), 'utf8')) as { accessToken: string }
  const claims = JSON.parse(Buffer.from(auth.accessToken.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number }
  const dueAtMs = claims.exp * 1000 - ((claims.exp - claims.iat) * 1000) / 2
  if (claims.exp - claims.iat > 10) throw new Error(`expected a short-lived access token, got ${claims.exp - claims.iat} s`)
  while (Date.now() <= dueAtMs + 50) await Bun.sleep(Math.max(10, dueAtMs + 60 - Date.now()))
}
