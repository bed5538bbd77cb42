// A Context built from fakes, with a real store in a fresh temporary PENSAR_HOME.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Context, Env, Output } from '../../src/context'
import { createBackground } from '../../src/lib/background'
import { createHttp } from '../../src/lib/http'
import { silentLog, type Log } from '../../src/lib/log'
import type { CredentialMode } from '../../src/lib/credential-mode'
import type { Keychain } from '../../src/lib/keychain'
import { createStore } from '../../src/lib/store'
import { FakeBrowser } from './fake-browser'
import { FakeClock } from './fake-clock'
import { FakeFetch } from './fake-fetch'
import { UiRecorder } from './ui-recorder'

export const TEST_API = 'https://api.test.pensar'

/** What a command wrote to stdout. */
export class OutputRecorder implements Output {
  text = ''
  constructor(
    readonly isTerminal = false,
    readonly columns = 80,
  ) {}
  write(text: string) {
    this.text += text
  }
}

export interface TestContext {
  ctx: Context
  out: OutputRecorder
  fetch: FakeFetch
  clock: FakeClock
  ui: UiRecorder
  browser: FakeBrowser
  home: string
  abort: AbortController
  /** Removes the temporary home. */
  cleanup(): void
}

export interface TestContextOptions {
  interactive?: boolean
  env?: Partial<Env>
  browser?: FakeBrowser
  log?: Log
  /** stdout is a terminal of this many columns. */
  stdoutTerminal?: { columns: number }
  /** An OS keychain for the store (test/helpers/fake-keychain.ts); without one the store uses the file only. */
  keychain?: Keychain
  credentialMode?: CredentialMode
}

export function createTestContext(opts: TestContextOptions = {}): TestContext {
  const root = mkdtempSync(join(tmpdir(), 'pensar-flow-'))
  const home = join(root, '.pensar')
  const fetch = new FakeFetch()
  const clock = new FakeClock()
  const ui = new UiRecorder(opts.interactive ?? false)
  const browser = opts.browser ?? new FakeBrowser()
  const abort = new AbortController()
  const out = new OutputRecorder(opts.stdoutTerminal !== undefined, opts.stdoutTerminal?.columns ?? 80)
  const log = opts.log ?? silentLog
  const env: Env = {
    home,
    apiUrl: TEST_API,
    apiUrlExplicit: false,
    isTTY: opts.interactive ?? false,
    json: false,
    debug: false,
    noColor: true,
    isCI: false,
    credentialStore: opts.credentialMode ?? 'file',
    vars: {},
    ...opts.env,
  }
  const ctx: Context = {
    env,
    ui,
    out,
    log,
    clock,
    browser,
    signal: abort.signal,
    background: createBackground(),
    http: createHttp({ fetch: fetch.fetch, clock, log, signal: abort.signal }),
    store: createStore({ home, now: () => clock.now(), warn: (m) => ui.warn(m), keychain: opts.keychain, credentialMode: opts.credentialMode }),
  }
  return { ctx, out, fetch, clock, ui, browser, home, abort, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}
