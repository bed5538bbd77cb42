import { afterEach, describe, expect, test } from 'bun:test'
import { showWorkspaces, workspaceTable } from '../../../src/flows/workspace/show-workspaces'
import { AuthError, EXIT } from '../../../src/lib/errors'
import { createTestContext, type TestContext } from '../../helpers/context'
import { ACME, LOW, NO_BILLING, stubWorkspaces } from '../../helpers/console-stubs'
import { json, oauthError } from '../../helpers/fake-fetch'
import { accessTokenExpiringIn, seedApiKeySession, seedWorkosSession } from '../../helpers/session-fixtures'

let t: TestContext
afterEach(() => t?.cleanup())

describe('pensar workspace list', () => {
  test('the list is the result (stdout): a header, one row per workspace, * on the one in use', async () => {
    t = createTestContext()
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000) })
    stubWorkspaces(t.fetch, [ACME, LOW, NO_BILLING])
    await showWorkspaces(t.ctx)
    expect(t.ui.results).toEqual([
      [
        '   SLUG         NAME         BALANCE  BILLING',
        '*  acme         Acme          $50.00  ready',
        '   low-balance  Low Balance    $0.42  low balance',
        '   no-billing   No Billing     $0.00  not set up',
      ].join('\n'),
    ])
    expect(t.ui.lines).toEqual([])
    expect(t.fetch.calls('/api/cli/workspaces')[0]!.headers.get('authorization')).toStartWith('Bearer eyJ')
    t.fetch.verify()
  })

  test('--json: one object with the workspaces, billingReady and current, nothing on the Ui', async () => {
    t = createTestContext({ env: { json: true } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000), extraConfig: { workspace: { id: LOW.id, name: LOW.name, slug: LOW.slug } } })
    stubWorkspaces(t.fetch, [ACME, LOW])
    await showWorkspaces(t.ctx)
    expect(t.ui.events).toEqual([
      {
        workspaces: [
          { ...ACME, billingReady: true, current: false },
          { ...LOW, billingReady: true, current: true },
        ],
      } as never,
    ])
    expect(t.ui.results).toEqual([])
  })

  test('a due token is renewed first; an API key lists its own workspace', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_listkey0123456789')
    stubWorkspaces(t.fetch, [ACME])
    await showWorkspaces(t.ctx)
    expect(t.fetch.calls('/api/cli/workspaces')[0]!.headers.get('authorization')).toBe('Bearer psk_listkey0123456789')
    expect(t.ui.results[0]).toContain('*  acme')
  })

  test("PENSAR_API_KEY: its workspace is the current one, whatever is stored", async () => {
    t = createTestContext({ env: { vars: { PENSAR_API_KEY: 'psk_envkey0123456789' } } })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 10 * 60_000) })
    stubWorkspaces(t.fetch, [LOW])
    await showWorkspaces(t.ctx)
    expect(t.ui.results[0]).toContain('*  low-balance')
  })

  test('not logged in: exit 4 and no request', async () => {
    t = createTestContext()
    const error = await showWorkspaces(t.ctx).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.exitCode).toBe(EXIT.auth)
    expect(t.fetch.requests).toEqual([])
  })

  test('a rejected API key: exit 4, with what to do', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_revoked0123456789')
    t.fetch.on('GET', '/api/cli/workspaces', oauthError('invalid_token', 401))
    const error = await showWorkspaces(t.ctx).catch((e) => e)
    expect(error.exitCode).toBe(EXIT.auth)
    expect(error.message).toContain('The stored API key was rejected')
  })

  test('a malformed list is a clear error', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_listkey0123456789')
    t.fetch.on('GET', '/api/cli/workspaces', json({ workspaces: 'nope' }))
    expect((await showWorkspaces(t.ctx).catch((e) => e)).message).toContain('the workspace list in an unexpected shape')
  })
})

describe('workspaceTable', () => {
  test('columns fit the longest cell; balances line up on the right', () => {
    const table = workspaceTable([
      { ...ACME, name: 'A very long workspace name', balance: 1234.5, billingReady: true, current: false },
      { ...LOW, billingReady: true, current: true },
    ])
    expect(table).toEqual([
      '   SLUG         NAME                         BALANCE  BILLING',
      '   acme         A very long workspace name  $1234.50  ready',
      '*  low-balance  Low Balance                    $0.42  low balance',
    ])
  })

  test('on a narrow terminal the names are cut, then left out; the slug is never cut', () => {
    const listed = [
      { ...ACME, name: 'Acme Security Research', billingReady: true, current: true },
      { ...LOW, billingReady: true, current: false },
      { ...NO_BILLING, billingReady: false, current: false },
    ]
    expect(workspaceTable(listed, 50)).toEqual([
      '   SLUG         NAME          BALANCE  BILLING',
      '*  acme         Acme Securi…   $50.00  ready',
      '   low-balance  Low Balance     $0.42  low balance',
      '   no-billing   No Billing      $0.00  not set up',
    ])
    expect(workspaceTable(listed, 40)).toEqual([
      '   SLUG         BALANCE  BILLING',
      '*  acme          $50.00  ready',
      '   low-balance    $0.42  low balance',
      '   no-billing     $0.00  not set up',
    ])
    for (const cols of [40, 50]) for (const row of workspaceTable(listed, cols)) expect(row.length).toBeLessThanOrEqual(cols)
    expect(workspaceTable(listed, 100)).toEqual(workspaceTable(listed))
  })
})
