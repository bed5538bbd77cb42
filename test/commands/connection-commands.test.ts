// The commands that use the connection (ask, usage, login token): their arguments reach the flow,
// mistakes are usage errors that say how to fix them, and `login token`/`auth token` exist.
import { describe, expect, test } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { askCommand } from '../../src/commands/ask'
import { runCommandLine } from '../../src/commands/command-line'
import { usageCommand } from '../../src/commands/usage'
import type { AskOptions } from '../../src/flows/ask/ask'
import type { UsageOptions } from '../../src/flows/usage/usage'
import type { UsageError } from '../../src/lib/errors'
import { main } from '../../src/main'
import { createTestContext } from '../helpers/context'
import { captureIo } from '../helpers/process-io'

describe('ask command', () => {
  test('the quoted question and --model reach the flow; no question is left to the flow (stdin)', async () => {
    const { ctx, cleanup } = createTestContext()
    const seen: AskOptions[] = []
    const ask = askCommand(ctx, async (_ctx, opts) => seen.push(opts))
    await runCommandLine(ask, ['What is SSRF?', '--model', 'pensar-small'])
    await runCommandLine(ask, ['--', '-x means?'])
    await runCommandLine(ask, [])
    expect(seen).toEqual([{ prompt: 'What is SSRF?', model: 'pensar-small' }, { prompt: '-x means?', model: undefined }, { prompt: undefined, model: undefined }])
    // A blank value (an empty shell variable) is a usage error, as for every flag that takes one.
    expect(((await runCommandLine(ask, ['--model=  ', 'q']).catch((e) => e)) as UsageError).exitCode).toBe(2)
    cleanup()
  })

  test('an unquoted question is a usage error that shows it quoted', async () => {
    const { ctx, cleanup } = createTestContext()
    const ask = askCommand(ctx, async () => {})
    const error = await runCommandLine(ask, ['what', 'is', 'SSRF']).catch((e) => e)
    expect(error.exitCode).toBe(2)
    expect(error.hint).toStartWith('Quote QUESTION when it has spaces: `ask "what is SSRF"`.')
    cleanup()
  })
})

describe('usage command', () => {
  test('--since reaches the flow', async () => {
    const { ctx, cleanup } = createTestContext()
    const seen: UsageOptions[] = []
    const usage = usageCommand(ctx, async (_ctx, opts) => seen.push(opts))
    await runCommandLine(usage, ['--since', '7d'])
    await runCommandLine(usage, [])
    expect(seen).toEqual([{ since: '7d' }, { since: undefined }])
    cleanup()
  })
})

describe('through main()', () => {
  const emptyHome = () => join(mkdtempSync(join(tmpdir(), 'pensar-cmd-')), '.pensar')

  test.each([[['login', 'token']], [['auth', 'token']], [['ask', 'hi']], [['usage']]])('`pensar %p` when not logged in: exit 4, nothing on stdout', async (words) => {
    const io = captureIo({ vars: { PENSAR_HOME: emptyHome() } })
    expect(await main(words, io)).toBe(4)
    expect(io.out()).toBe('')
    expect(io.err()).toContain('Not logged in to Pensar Console.')
  })

  test('a bad --since exits 2 before anything else', async () => {
    const io = captureIo({ vars: { PENSAR_HOME: emptyHome() } })
    expect(await main(['usage', '--since', 'soon'], io)).toBe(2)
    expect(io.err()).toContain('--since must be a number of days or a date')
  })
})
