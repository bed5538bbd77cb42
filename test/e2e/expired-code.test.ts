// The person comes back too late: the code expired. The terminal offers a fresh one, Enter gets
// it, and approving that one logs in (a Console with an 8-second code lifetime).
import { expect, test } from 'bun:test'
import { PASSWORD, WAIT_MS } from './support/journeys'
import { approve, openVerificationUrl, signInFirst } from './support/person'
import { describeE2E } from './support/prerequisites'
import { runScenario } from './support/scenario'
import { CODE_SHOWN, spacedOut, userCodeOn } from './support/screen-text'
import { FAST_POLLING, SCENARIO_TIMEOUT_MS, useStage } from './support/stage'

describeE2E('an expired device code in a real terminal and a real browser', () => {
  const setup = useStage([...FAST_POLLING, '--device-ttl', '8'])

  test('the code expires, the terminal offers a fresh one, Enter, approve, logged in', async () => {
    const email = 'latecomer@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Late', slug: 'late', balance: 20, hasPaymentMethod: true }] })
    await runScenario('expired-code', setup.stage(), async (s) => {
      const term = await s.terminal(['login'])
      const firstCode = userCodeOn(await term.waitFor(CODE_SHOWN, WAIT_MS))
      const firstUrl = await s.opener.waitForUrl(1, WAIT_MS)
      // Signed in already, so approving the fresh code takes only a few clicks of its 8 seconds.
      await signInFirst(s.page, s.stage.consoleUrl, email, PASSWORD)

      await term.waitFor('Get a fresh code?', WAIT_MS)
      expect(term.screen()).toContain('The code expired before it was approved.')
      // The stale address now gets the Console's "expired" answer instead of a confirmation.
      await openVerificationUrl(s.page, firstUrl)
      await s.page.getByText('That code is not valid or has expired').waitFor({ timeout: WAIT_MS })

      term.press('Enter')
      const freshUrl = await s.opener.waitForUrl(2, WAIT_MS)
      const freshCode = new URL(freshUrl).searchParams.get('user_code')!
      expect(freshCode).not.toBe(firstCode)
      expect(userCodeOn(await term.waitFor(spacedOut(freshCode), WAIT_MS))).toBe(freshCode)

      await openVerificationUrl(s.page, freshUrl)
      await approve(s.page, freshCode)
      await term.waitFor('Logged in as latecomer@e2e.test', WAIT_MS)
      expect(await term.exitCode()).toBe(0)
    })
  }, SCENARIO_TIMEOUT_MS)
})
