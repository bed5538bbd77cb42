// After approval: choosing among several workspaces with the arrow keys, and the billing
// warnings with B opening the billing page the person then fixes.
import { expect, test } from 'bun:test'
import { loginApprovedInBrowser, PASSWORD, WAIT_MS } from './support/journeys'
import { addPaymentMethodAndCredits } from './support/person'
import { describeE2E } from './support/prerequisites'
import { runScenario } from './support/scenario'
import { SCENARIO_TIMEOUT_MS, useStage } from './support/stage'

describeE2E('workspace choice and billing in a real terminal and a real browser', () => {
  const setup = useStage()

  test('three workspaces: each is listed with its balance, Down + Enter picks the second, status shows it', async () => {
    const email = 'three@e2e.test'
    await setup.console().control.createUser(email, {
      password: PASSWORD,
      workspaces: [
        { name: 'Aurora', slug: 'aurora', balance: 75, hasPaymentMethod: true },
        { name: 'Borealis', slug: 'borealis', balance: 12.5, hasPaymentMethod: true },
        { name: 'Cirrus', slug: 'cirrus', balance: 3, hasPaymentMethod: true },
      ],
    })
    await runScenario('three-workspaces', setup.stage(), async (s) => {
      const term = await loginApprovedInBrowser(s, email)
      const list = await term.waitFor('Which workspace should Apex use?', WAIT_MS)
      expect(list).toContain('Aurora (aurora) — $75.00')
      expect(list).toContain('Borealis (borealis) — $12.50')
      expect(list).toContain('Cirrus (cirrus) — $3.00')

      term.press('Down')
      await term.waitFor(/● Borealis/, WAIT_MS)
      term.press('Enter')
      const done = await term.waitFor('Logged in as three@e2e.test', WAIT_MS)
      expect(done).toContain('workspace Borealis (borealis), balance $12.50')
      expect(await term.exitCode()).toBe(0)

      const status = await s.command(['status'])
      expect(status.exitCode).toBe(0)
      expect(status.stdout).toContain('Borealis (borealis)')
      expect(status.stdout).toContain('three@e2e.test')
    })
  }, SCENARIO_TIMEOUT_MS)

  test('billing not set up: the warning, B opens the billing page, card and credits added there, status shows billing ready', async () => {
    const email = 'unbilled@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Unbilled', slug: 'unbilled', balance: 0, hasPaymentMethod: false }] })
    await runScenario('billing-not-set-up', setup.stage(), async (s) => {
      const term = await loginApprovedInBrowser(s, email)
      await term.waitFor("Billing isn't set up for Unbilled", WAIT_MS)
      await term.waitFor('Open the billing page now?', WAIT_MS)
      term.press('b')
      const billingUrl = await s.opener.waitForUrl(2, WAIT_MS)
      expect(billingUrl).toBe(`${s.stage.consoleUrl}/unbilled/settings/billing`)
      await term.waitFor('Logged in as unbilled@e2e.test', WAIT_MS)
      expect(await term.exitCode()).toBe(0)

      const before = await s.command(['status'])
      expect(before.stdout).toContain('Billing:     not set up')

      // The same browser (already signed in) follows the URL the CLI opened.
      await s.page.goto(billingUrl)
      expect(await addPaymentMethodAndCredits(s.page, 25)).toBe('$25.00')

      const after = await s.command(['status'])
      expect(after.exitCode).toBe(0)
      expect(after.stdout).toMatch(/Balance:\s+\$25\.00\n\s+Billing:\s+ready/)
    })
  }, SCENARIO_TIMEOUT_MS)

  test('a balance under $1: the low-balance warning', async () => {
    const email = 'lowbalance@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Shoestring', slug: 'shoestring', balance: 0.42, hasPaymentMethod: true }] })
    await runScenario('low-balance', setup.stage(), async (s) => {
      const term = await loginApprovedInBrowser(s, email)
      const warning = await term.waitFor('Low credit balance ($0.42) in Shoestring', WAIT_MS)
      expect(warning).toContain(`${s.stage.consoleUrl}/shoestring/settings/billing`)
      expect(warning).not.toContain("Billing isn't set up")
      term.press('Enter')
      await term.waitFor('Logged in as lowbalance@e2e.test', WAIT_MS)
      expect(await term.exitCode()).toBe(0)
      expect(s.opener.opened()).toHaveLength(1) // Enter went on without opening the billing page
    })
  }, SCENARIO_TIMEOUT_MS)
})
