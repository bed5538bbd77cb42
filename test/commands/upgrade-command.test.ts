// `pensar upgrade`'s command line: --version is the release to install there, not the global
// "print the version" flag, and a missing value is a usage error.
import { describe, expect, test } from 'bun:test'
import { runCommandLine } from '../../src/commands/command-line'
import { upgradeCommand } from '../../src/commands/upgrade'
import type { UpgradeOptions } from '../../src/flows/upgrade/upgrade'
import { main } from '../../src/main'
import { createTestContext } from '../helpers/context'
import { captureIo } from '../helpers/process-io'

describe('upgrade command', () => {
  test('--version reaches the flow, and without it the flow looks for the latest', async () => {
    const { ctx, cleanup } = createTestContext()
    const seen: UpgradeOptions[] = []
    const upgrade = upgradeCommand(ctx, async (_ctx, opts) => seen.push(opts))
    await runCommandLine(upgrade, ['--version', '0.2.0'])
    await runCommandLine(upgrade, ['--version=v0.3.0'])
    await runCommandLine(upgrade, [])
    expect(seen).toEqual([{ version: '0.2.0' }, { version: 'v0.3.0' }, { version: undefined }])
    cleanup()
  })

  test('`pensar upgrade --version` without a value is a usage error (exit 2), not the version', async () => {
    const io = captureIo()
    expect(await main(['upgrade', '--version'], io)).toBe(2)
    expect(io.out()).toBe('')
    expect(io.err()).toContain('--version needs a value')
  })

  test('`pensar upgrade --help` lists --version and --json', async () => {
    const io = captureIo()
    expect(await main(['upgrade', '--help'], io)).toBe(0)
    expect(io.out()).toContain('--version')
    expect(io.out()).toContain('--json')
  })
})
