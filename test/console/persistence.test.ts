import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { bearer, getJson, loginAs, refresh } from './oauth-client.ts'

const folder = mkdtempSync(join(tmpdir(), 'pensar-console-db-'))
const dbPath = join(folder, 'state', 'console.db')
const started: TestConsole[] = []
afterAll(async () => {
  await Promise.all(started.map((pc) => pc.stop()))
  rmSync(folder, { recursive: true, force: true })
})

async function start(args: string[] = []) {
  const pc = await startTestConsole(['--seed', 'demo', ...args], { db: dbPath })
  started.push(pc)
  return pc
}

describe('restart with the same --db', () => {
  test('keeps users, workspaces, balances, sessions and the signing key', async () => {
    const before = await start()
    await before.control.createUser('kept@example.com', { password: 'kept-password', workspaces: [{ name: 'Kept', slug: 'kept', balance: 7.25, hasPaymentMethod: true }] })
    await before.control.setBilling('acme', { balance: 123.45 })
    const tokens = await loginAs(before.url, (code) => before.control.approve(code, 'kept@example.com'))
    await before.stop()

    expect(statSync(join(folder, 'state')).mode & 0o777).toBe(0o700)
    expect(statSync(dbPath).mode & 0o777).toBe(0o600)

    // The port changes on restart, and with it the issuer: refresh gets a token for the new URL.
    const after = await start()
    const renewed = await refresh(after.url, tokens.refresh_token)
    expect(renewed.status).toBe(200)
    const list = await getJson(`${after.url}/api/cli/workspaces`, bearer(renewed.body.access_token))
    expect(list.body.workspaces).toEqual([expect.objectContaining({ slug: 'kept', balance: 7.25, hasPaymentMethod: true })])
    const demo = await loginAs(after.url, (code) => after.control.approve(code, 'demo@pensar.local'))
    const demoList = await getJson(`${after.url}/api/cli/workspaces`, bearer(demo.access_token))
    // The seed doesn't overwrite what changed: acme keeps its new balance.
    expect(demoList.body.workspaces.find((w: { slug: string }) => w.slug === 'acme').balance).toBe(123.45)
    expect(demoList.body.workspaces).toHaveLength(3)
  }, 60_000)
})
