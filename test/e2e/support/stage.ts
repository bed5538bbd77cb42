// The shared set of one test file: the compiled binary, one Chromium and one Console (each
// scenario uses its own users, PENSAR_HOME and browser context). Call inside `describeE2E`, so a
// skipped suite starts nothing; the browser and the Console are closed in afterAll.
import { afterAll, beforeAll } from 'bun:test'
import type { Browser } from 'playwright-core'
import { startTestConsole, type TestConsole } from '../../helpers/console'
import { pensarBinary } from '../../helpers/pensar-binary'
import { launchBrowser } from './browser'
import { Scenario, type Stage } from './scenario'

/** Polling every 0.3 s keeps the scenarios quick (the local Console allows fractional intervals). */
export const FAST_POLLING = ['--interval', '0.3']
export const SCENARIO_TIMEOUT_MS = 90_000
const SETUP_TIMEOUT_MS = 300_000 // the first file may have to compile dist/pensar

export interface StageHandle {
  stage(): Stage
  console(): TestConsole
}

export function useStage(consoleArgs: string[] = FAST_POLLING): StageHandle {
  let binary: string | undefined
  let browser: Browser | undefined
  let pc: TestConsole | undefined
  beforeAll(async () => {
    ;[binary, browser, pc] = await Promise.all([pensarBinary(), launchBrowser(), startTestConsole(consoleArgs)])
  }, SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await Scenario.disposeAll()
    await browser?.close()
    await pc?.stop()
  })
  return {
    stage: () => {
      if (!binary || !browser || !pc) throw new Error('the e2e stage did not start (see beforeAll)')
      return { binary, browser, consoleUrl: pc.url }
    },
    console: () => {
      if (!pc) throw new Error('the e2e Console did not start (see beforeAll)')
      return pc
    },
  }
}
