import { afterEach, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { CannotSwitchError, switchWorkspace } from '../../../src/flows/workspace/switch-workspace'
import { AuthError, EXIT, UsageError } from '../../../src/lib/errors'
import { createTestContext, type TestContext } from '../../helpers/context'
import { ACME, CONSOLE_URL, LOW, NO_BILLING, SIGNING_KEY, stubSelect, stubWorkspaces } from '../../helpers/console-stubs'
import { json, oauthError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, refreshedTokens, seedApiKeySession, seedWorkosSession, TOKEN_ENDPOINT, WORKSPACE } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

const ws = ({ id, name, slug }: typeof ACME) => ({ id, name, slug })

async function connected(opts: { interactive?: boolean; json?: boolean; expiresInMs?: number } = {}) {
  t = createTestContext({ interactive: opts.interactive, env: { json: opts.json ?? false } })
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), opts.expiresInMs ?? 10 * 60_000), extraConfig: { consoleUrl: CONSOLE_URL } })
  return t
}

const files = () => [readFileSync(t.ctx.store.paths.config, 'utf8'), readFileSync(t.ctx.store.paths.auth, 'utf8')]

describe('pensar workspace switch', () => {
  test('by slug without a terminal: confirmed with the Console, workspace and signing key stored, no device login', async () => {
    await connected()
    stubWorkspaces(t.fetch, [ACME, LOW])
    stubSelect(t.fetch, LOW)
    const before = (await t.ctx.store.readAuth())!
    await switchWorkspace(t.ctx, { requested: 'low-balance', openBrowser: true })
    expect(t.ctx.store.readConfig()).toMatchObject({ workspace: ws(LOW), lastWorkspaceId: LOW.id, gatewayUrl: 'https://gateway.test.pensar' })
    expect(await t.ctx.store.readAuth()).toMatchObject({ accessToken: before.accessToken, refreshToken: before.refreshToken, signingKey: SIGNING_KEY })
    expect(t.fetch.calls('/api/cli/select-workspace')[0]!.json).toEqual({ workspaceId: LOW.id })
    expect(t.ui.text).toContain('success: Switched to workspace Low Balance (low-balance), balance $0.42. Apex uses it from now on.')
    expect(t.ui.text).not.toContain('Logged in')
    expect(t.ui.codes).toEqual([]) // no device code shown
    t.fetch.verify()
  })

  test('--json: workspace_selected, the billing warning, then workspace_switched with where it came from', async () => {
    await connected({ json: true })
    stubWorkspaces(t.fetch, [ACME, NO_BILLING])
    stubSelect(t.fetch, NO_BILLING)
    await switchWorkspace(t.ctx, { requested: 'no-billing', openBrowser: true })
    expect(t.ui.events.map((e) => e.event)).toEqual(['workspace_selected', 'warning', 'workspace_switched'])
    expect(t.ui.events[1]).toMatchObject({ code: 'billing_not_ready', url: `${CONSOLE_URL}/no-billing/settings/billing` })
    expect(t.ui.events[2]).toEqual({ event: 'workspace_switched', from: WORKSPACE, workspace: ws(NO_BILLING), billing: { balance: 0, hasPaymentMethod: false, ready: false } })
  })

  test('on a terminal without a slug: the list, the current one preselected; B opens the billing page of a low balance', async () => {
    await connected({ interactive: true })
    stubWorkspaces(t.fetch, [ACME, LOW])
    stubSelect(t.fetch, LOW)
    t.ui.answer('Which workspace', (options: { value: { slug: string } }[]) => options.find((o) => o.value.slug === 'low-balance')!.value)
    t.ui.answer('billing page', 'open')
    await switchWorkspace(t.ctx, { openBrowser: true })
    expect((t.ui.prompts[0]!.initial as { slug: string }).slug).toBe('acme')
    expect(t.browser.opened).toEqual([`${CONSOLE_URL}/low-balance/settings/billing`])
    expect(t.ctx.store.readConfig()?.workspace).toEqual(ws(LOW))
  })

  test('the same workspace again: said so, not "Switched"', async () => {
    await connected()
    stubWorkspaces(t.fetch, [ACME, LOW])
    stubSelect(t.fetch, ACME)
    await switchWorkspace(t.ctx, { requested: 'acme', openBrowser: true })
    expect(t.ui.text).toContain('Apex already uses workspace Acme (acme), balance $50.00.')
  })

  test('without a slug and without a terminal: exit 2 naming the slugs and the command', async () => {
    await connected()
    stubWorkspaces(t.fetch, [ACME, LOW])
    const before = files()
    const error = await switchWorkspace(t.ctx, { openBrowser: true, namedWith: 'pensar workspace switch' }).catch((e) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('You belong to 2 workspaces; choose one with `pensar workspace switch <slug>`: acme, low-balance.')
    expect(error.hint).toBe('For example: pensar workspace switch acme')
    expect(files()).toEqual(before)
  })

  test('an unknown slug: exit 2, the slugs listed, nothing changed', async () => {
    await connected()
    stubWorkspaces(t.fetch, [ACME, LOW])
    const before = files()
    const error = await switchWorkspace(t.ctx, { requested: 'nope', openBrowser: true, namedWith: 'pensar workspace switch' }).catch((e) => e)
    expect(error).toMatchObject({ code: 'unknown_workspace', exitCode: EXIT.usage, message: 'No workspace "nope" among yours: acme, low-balance.' })
    expect(error.hint).toContain('`pensar workspace switch acme`')
    expect(files()).toEqual(before)
  })

  test('a due token is renewed under the lock first', async () => {
    await connected({ expiresInMs: -60_000 })
    const fresh = refreshedTokens(t.clock.now())
    t.fetch.on('POST', TOKEN_ENDPOINT, json(fresh))
    stubWorkspaces(t.fetch, [ACME, LOW])
    stubSelect(t.fetch, LOW)
    await switchWorkspace(t.ctx, { requested: 'low-balance', openBrowser: true })
    expect(t.fetch.calls('/api/cli/workspaces')[0]!.headers.get('authorization')).toBe(`Bearer ${fresh.access_token}`)
    expect(await t.ctx.store.readAuth()).toMatchObject({ refreshToken: fresh.refresh_token, signingKey: SIGNING_KEY })
  })

  test('a session the Console ended: exit 4, no device login', async () => {
    await connected({ expiresInMs: -60_000 })
    t.fetch.on('POST', TOKEN_ENDPOINT, oauthError('invalid_grant'))
    const error = await switchWorkspace(t.ctx, { requested: 'acme', openBrowser: true }).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.exitCode).toBe(EXIT.auth)
    expect(t.fetch.calls('/api/cli/workspaces')).toEqual([])
    expect(t.ui.codes).toEqual([])
  })

  test('not logged in: exit 4', async () => {
    t = createTestContext()
    expect((await switchWorkspace(t.ctx, { requested: 'acme', openBrowser: true }).catch((e) => e)).exitCode).toBe(EXIT.auth)
  })

  test('a stored API key cannot switch (exit 1): it says why and what to do, and asks nothing', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_stored0123456789')
    const error = await switchWorkspace(t.ctx, { requested: 'low-balance', openBrowser: true }).catch((e) => e)
    expect(error).toBeInstanceOf(CannotSwitchError)
    expect(error).toMatchObject({ code: 'cannot_switch', exitCode: EXIT.error })
    expect(error.message).toBe('This computer is connected with an API key, which belongs to one workspace (Acme, acme).')
    expect(error.hint).toContain('pensar login')
    expect(t.fetch.requests).toEqual([])
  })

  test('PENSAR_API_KEY cannot switch either, even over a stored browser session', async () => {
    t = createTestContext({ env: { vars: { PENSAR_API_KEY: 'psk_env0123456789' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000) })
    const error = await switchWorkspace(t.ctx, { requested: 'low-balance', openBrowser: true }).catch((e) => e)
    expect(error).toBeInstanceOf(CannotSwitchError)
    expect(error.message).toContain('PENSAR_API_KEY is set')
    expect(t.fetch.requests).toEqual([])
  })
})
