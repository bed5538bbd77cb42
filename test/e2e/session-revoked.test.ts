// The Console ends the session (an admin, a stolen laptop): the next command cannot renew the
// token and says the session expired, exit 4. Issue 6, scenario 9. A 30-second access token is
// always inside the CLI's 60-second renewal margin, so every command goes through the refresh.
import { expect, test } from 'bun:test'
import { logIn, PASSWORD } from './support/journeys'
import { describeE2E } from './support/prerequisites'
import { runScenario } from './support/scenario'
import { FAST_POLLING, SCENARIO_TIMEOUT_MS, useStage } from './support/stage'

const EXPIRY_NOTICE = 'Your Pensar Console session has expired. Run `pensar login` to reconnect.'

describeE2E('a session revoked by the Console', () => {
  const setup = useStage([...FAST_POLLING, '--access-ttl', '30'])

  test('the Console revokes the session: the next command prints the expiry notice and exits 4', async () => {
    const email = 'revoked@e2e.test'
    const { control } = setup.console()
    await control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Revoked', slug: 'revoked', balance: 10, hasPaymentMethod: true }] })
    await runScenario('session-revoked', setup.stage(), async (s) => {
      await logIn(s, email)
      const refreshesBefore = (await control.stats()).refreshes
      const healthy = await s.command(['status'])
      expect(healthy.exitCode).toBe(0)
      expect((await control.stats()).refreshes).toBeGreaterThan(refreshesBefore) // the token was renewed

      expect((await control.revokeSessions(email)).revoked).toBeGreaterThanOrEqual(1)
      const after = await s.command(['status'])
      expect(after.exitCode).toBe(4)
      expect(after.stderr).toContain(EXPIRY_NOTICE)
      expect(after.stderr.split(EXPIRY_NOTICE)).toHaveLength(2) // said once
    })
  }, SCENARIO_TIMEOUT_MS)
})
