// The login as a person lives it: the terminal shows a code and opens the browser, the person
// approves (or denies) on the Console's pages, the terminal tells the outcome;
// and the QR code for a phone when no browser opens here.
import { expect, test } from 'bun:test'
import { approve, deny, enterCodeByHand, openVerificationUrl, signIn, signUp } from './support/person'
import { describeE2E } from './support/prerequisites'
import { runScenario } from './support/scenario'
import { CODE_SHOWN, userCodeOn, verificationUrlOn } from './support/screen-text'
import { SCENARIO_TIMEOUT_MS, useStage } from './support/stage'
import { PASSWORD, WAIT_MS } from './support/journeys'
import { qrRowsOnScreen, scanTerminalQr } from '../helpers/terminal-qr'

describeE2E('device login in a real terminal and a real browser', () => {
  const setup = useStage()

  test('a new person: the verification page opens on its own, sign up, approve, the terminal shows the workspace', async () => {
    await runScenario('new-person-signs-up', setup.stage(), async (s) => {
      const term = await s.terminal(['login'])
      const shown = await term.waitFor(CODE_SHOWN, WAIT_MS)
      const code = userCodeOn(shown)
      const opened = await s.opener.waitForUrl(1, WAIT_MS)
      expect(opened).toBe(`${s.stage.consoleUrl}/device?user_code=${code}`)

      await openVerificationUrl(s.page, opened)
      await signUp(s.page, { email: 'nova@e2e.test', password: PASSWORD, workspaceName: 'Nova Labs' })
      await approve(s.page, code)

      // A brand-new workspace has no billing yet: the warning waits for a key; Enter goes on.
      await term.waitFor("Billing isn't set up for Nova Labs", WAIT_MS)
      term.press('Enter')
      const done = await term.waitFor('Logged in as nova@e2e.test', WAIT_MS)
      expect(done).toContain('Apex will use workspace Nova Labs (')
      expect(await term.exitCode()).toBe(0)
    })
  }, SCENARIO_TIMEOUT_MS)

  test('a code typed by hand at /device, in lowercase and without the dash, is accepted', async () => {
    const email = 'typist@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Typing Pool', slug: 'typing-pool', balance: 20, hasPaymentMethod: true }] })
    await runScenario('code-typed-by-hand', setup.stage(), async (s) => {
      const term = await s.terminal(['login', '--no-browser'])
      const code = userCodeOn(await term.waitFor(CODE_SHOWN, WAIT_MS))

      await enterCodeByHand(s.page, s.stage.consoleUrl, code.replace('-', '').toLowerCase())
      await signIn(s.page, email, PASSWORD)
      await approve(s.page, code)

      const done = await term.waitFor('Logged in as typist@e2e.test', WAIT_MS)
      expect(done).toContain('Typing Pool (typing-pool)')
      expect(await term.exitCode()).toBe(0)
      expect(s.opener.opened()).toEqual([])
    })
  }, SCENARIO_TIMEOUT_MS)

  test('no browser on this machine: the QR code on the screen takes the phone to the approval page', async () => {
    const email = 'scanner@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Scan Works', slug: 'scan-works', balance: 20, hasPaymentMethod: true }] })
    await runScenario('qr-code-scanned', setup.stage(), async (s) => {
      const term = await s.terminal(['login', '--no-browser'])
      const shown = await term.waitFor('or scan it with your phone:', WAIT_MS)
      const code = userCodeOn(shown)
      const scanned = scanTerminalQr(qrRowsOnScreen(shown))
      expect(scanned).toBe(`${s.stage.consoleUrl}/device?user_code=${code}`)

      await openVerificationUrl(s.page, scanned!)
      await signIn(s.page, email, PASSWORD)
      await approve(s.page, code)

      const done = await term.waitFor('Logged in as scanner@e2e.test', WAIT_MS)
      expect(done).toContain('Scan Works (scan-works)')
      expect(await term.exitCode()).toBe(0)
      expect(s.opener.opened()).toEqual([])
    })
  }, SCENARIO_TIMEOUT_MS)

  test('Deny in the browser: the terminal says so and exits 1', async () => {
    const email = 'denier@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Denied', slug: 'denied', balance: 20, hasPaymentMethod: true }] })
    await runScenario('deny-in-browser', setup.stage(), async (s) => {
      const term = await s.terminal(['login'])
      const code = userCodeOn(await term.waitFor(CODE_SHOWN, WAIT_MS))

      await openVerificationUrl(s.page, await s.opener.waitForUrl(1, WAIT_MS))
      await signIn(s.page, email, PASSWORD)
      await deny(s.page, code)

      await term.waitFor('Authorization was denied in the browser.', WAIT_MS)
      expect(await term.exitCode()).toBe(1)
      expect(term.screen()).not.toContain('Logged in')
    })
  }, SCENARIO_TIMEOUT_MS)

  test('the browser cannot open (BROWSER=false): the address is printed, approving it there logs in', async () => {
    const email = 'headless@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Headless', slug: 'headless', balance: 20, hasPaymentMethod: true }] })
    await runScenario('browser-cannot-open', setup.stage(), async (s) => {
      const term = await s.terminal(['login'], { BROWSER: 'false' })
      const shown = await term.waitFor(CODE_SHOWN, WAIT_MS)
      expect(shown).toContain('Could not open a browser')
      const url = verificationUrlOn(shown)
      expect(url).toBe(`${s.stage.consoleUrl}/device?user_code=${userCodeOn(shown)}`)

      await openVerificationUrl(s.page, url)
      await signIn(s.page, email, PASSWORD)
      await approve(s.page, userCodeOn(shown))

      const done = await term.waitFor('Logged in as headless@e2e.test', WAIT_MS)
      expect(done).toContain('Headless (headless)')
      expect(await term.exitCode()).toBe(0)
    })
  }, SCENARIO_TIMEOUT_MS)
})
