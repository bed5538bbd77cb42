// The connection in use: a person logs in, asks the managed model at the Apex prompt, watches the
// answer arrive and its cost, and finds the spend on the Console's Usage page in the browser.
import { expect, test } from 'bun:test'
import { startGatewayRelay, useRelay } from '../helpers/gateway-relay'
import { logIn, PASSWORD, WAIT_MS } from './support/journeys'
import { signInFirst } from './support/person'
import { describeE2E } from './support/prerequisites'
import { runScenario } from './support/scenario'
import { SCENARIO_TIMEOUT_MS, useStage } from './support/stage'

describeE2E('asking the managed model at the prompt', () => {
  const setup = useStage()

  test('log in, ask at the prompt: the answer streams in, then its cost and the balance; the Usage page shows the spend', async () => {
    const email = 'asker@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Ask Co', slug: 'ask-co', balance: 25, hasPaymentMethod: true }] })
    await runScenario('ask-at-the-prompt', setup.stage(), async (s) => {
      await logIn(s, email)
      // The answer passes a relay that holds it after its first words, so the screen can be read mid-answer.
      const relay = startGatewayRelay(s.stage.consoleUrl, { hold: true })
      try {
        useRelay(s.pensarHome, relay)
        const term = await s.terminal([])
        await term.waitFor('/help lists the commands', WAIT_MS)
        term.type('What is SSRF?')
        await term.waitFor('Enter ask the model', WAIT_MS)
        term.press('Enter')

        const midAnswer = await term.waitFor('You asked:', WAIT_MS)
        expect(midAnswer).not.toContain('$0.01')
        expect(midAnswer).not.toContain('What is SSRF?”')
        relay.release()
        const answered = await term.waitFor('Answered by pensar-large for $0.01; $24.99 left.', WAIT_MS)
        expect(answered).toContain('You asked: “What is SSRF?”. This answer comes from the local Pensar Console gateway')
        expect(answered.indexOf('✓')).toBeLessThan(answered.indexOf('Answered by pensar-large'))

        await signInFirst(s.page, s.stage.consoleUrl, email, PASSWORD)
        await s.page.goto(`${s.stage.consoleUrl}/ask-co/settings/usage`)
        expect((await s.page.textContent('#usage-total'))?.trim()).toBe('$0.01')
        expect(await s.page.locator('#usage-by-user tr', { hasText: email }).textContent()).toContain('$0.01')
        expect(await s.page.locator('#usage-by-key tr', { hasText: 'Signed-in CLI sessions' }).textContent()).toContain('1')

        term.type('/exit')
        await term.waitFor('/exit — ', WAIT_MS)
        term.press('Enter')
        expect(await term.exitCode()).toBe(0)
      } finally {
        relay.stop()
      }
    })
  }, SCENARIO_TIMEOUT_MS)
})
