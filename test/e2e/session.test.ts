// Living with a session: disconnecting from the interactive /login screen, and API-key auth
// with a key made on the Console's API-keys page.
import { expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { logIn, PASSWORD, WAIT_MS } from './support/journeys'
import { createApiKey, signInFirst } from './support/person'
import { describeE2E } from './support/prerequisites'
import { runScenario } from './support/scenario'
import { SCENARIO_TIMEOUT_MS, useStage } from './support/stage'

describeE2E('sessions in a real terminal and a real browser', () => {
  const setup = useStage()

  test('connected: /login in the interactive prompt shows the /login screen, D leaves no tokens in PENSAR_HOME', async () => {
    const email = 'leaver@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Exit Row', slug: 'exit-row', balance: 30, hasPaymentMethod: true }] })
    await runScenario('disconnect-from-login-screen', setup.stage(), async (s) => {
      await logIn(s, email)
      const auth = JSON.parse(readFileSync(join(s.pensarHome, 'auth.json'), 'utf8')) as Record<string, string>
      const secrets = [auth.accessToken, auth.refreshToken].filter((v): v is string => typeof v === 'string' && v.length > 0)
      expect(secrets).toHaveLength(2)
      const revocationsBefore = (await setup.console().control.stats()).revocations

      const term = await s.terminal([])
      await term.waitFor('/help lists the commands', WAIT_MS)
      term.type('/login')
      await term.waitFor('/login — ', WAIT_MS)
      term.press('Enter')
      const screen = await term.waitFor('What next?', WAIT_MS)
      expect(screen).toContain('Connected to Pensar Console')
      expect(screen).toContain('leaver@e2e.test')
      expect(screen).toContain('Exit Row (exit-row)')
      expect(screen).toMatch(/D disconnect/)

      term.press('d')
      await term.waitFor('Disconnected.', WAIT_MS)
      expect(tokensLeftIn(s.pensarHome, secrets)).toEqual([])
      expect((await setup.console().control.stats()).revocations).toBe(revocationsBefore + 1)

      term.type('/exit')
      await term.waitFor('/exit — ', WAIT_MS)
      term.press('Enter')
      expect(await term.exitCode()).toBe(0)
      expect((await s.command(['status'])).exitCode).toBe(4)
    })
  }, SCENARIO_TIMEOUT_MS)

  test('an API key made on the API-keys page: login --with-api-key from stdin, status shows API key auth and the workspace', async () => {
    const email = 'keyholder@e2e.test'
    await setup.console().control.createUser(email, { password: PASSWORD, workspaces: [{ name: 'Keyring', slug: 'keyring', balance: 40, hasPaymentMethod: true }] })
    await runScenario('api-key-login', setup.stage(), async (s) => {
      await signInFirst(s.page, s.stage.consoleUrl, email, PASSWORD)
      const key = await createApiKey(s.page, s.stage.consoleUrl, 'keyring', 'e2e laptop')

      const login = await s.command(['login', '--with-api-key'], { stdin: `${key}\n` })
      expect(login.exitCode).toBe(0)
      expect(login.stdout + login.stderr).not.toContain(key)

      const status = await s.command(['status'])
      expect(status.exitCode).toBe(0)
      expect(status.stdout).toContain('API key')
      expect(status.stdout).toContain('Keyring (keyring)')
      expect(status.stdout + status.stderr).not.toContain(key)
      expect(s.opener.opened()).toEqual([])
    })
  }, SCENARIO_TIMEOUT_MS)
})

/** The secrets still present in any file under PENSAR_HOME. */
function tokensLeftIn(dir: string, secrets: string[]): string[] {
  if (!existsSync(dir)) return []
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
  const text = files.map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')).join('\n')
  return secrets.filter((secret) => text.includes(secret))
}
