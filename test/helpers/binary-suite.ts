// The setup every test file shares that drives the compiled binary against local Consoles: one
// temporary root for homes, the binary built before the first test, and afterwards every pensar
// process killed, every Console stopped and the root deleted.
import { afterAll, beforeAll } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestConsole, type TestConsole } from './console'
import { pensarBinary } from './pensar-binary'
import { killAllPensar } from './run-pensar'

export interface BinarySuite {
  /** A temporary folder for this file's homes. */
  root: string
  /** A Console on port 0, stopped after the file's tests. */
  startConsole(args: string[]): Promise<TestConsole>
}

/** Call once at the top of a test file: it registers the file's beforeAll and afterAll. */
export function binarySuite(rootPrefix: string): BinarySuite {
  const root = mkdtempSync(join(tmpdir(), rootPrefix))
  const consoles: TestConsole[] = []
  beforeAll(async () => {
    await pensarBinary()
  }, 300_000)
  afterAll(async () => {
    killAllPensar()
    for (const c of consoles) await c.stop()
    rmSync(root, { recursive: true, force: true })
  })
  return {
    root,
    async startConsole(args) {
      const c = await startTestConsole(args)
      consoles.push(c)
      return c
    },
  }
}
