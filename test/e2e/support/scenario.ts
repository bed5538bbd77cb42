// One end-to-end scenario: its own PENSAR_HOME, its own BROWSER opener, its own browser context,
// and the terminals and commands it starts. `runScenario` runs the story and, whatever happens,
// ends every process it started; when the story fails it keeps the page screenshot and the
// terminals' last screens under test/e2e/artifacts/<name>/ and says where.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { saveArtifacts } from './browser'
import { UrlOpener } from './opener'
import { Terminal } from './terminal'

const COMMAND_DEADLINE_MS = 30_000

/** What every scenario of a file shares: the compiled binary, the browser, the Console. */
export interface Stage {
  binary: string
  browser: Browser
  consoleUrl: string
}

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
}

const open = new Set<Scenario>()

export class Scenario {
  readonly home: string
  readonly pensarHome: string
  readonly opener = new UrlOpener()
  private readonly terminals: Terminal[] = []
  private readonly screens: string[] = []
  private readonly processes = new Set<ReturnType<typeof Bun.spawn>>()

  private constructor(
    readonly stage: Stage,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    this.home = mkdtempSync(join(tmpdir(), 'pensar-e2e-'))
    this.pensarHome = join(this.home, '.pensar')
  }

  static async open(stage: Stage): Promise<Scenario> {
    const context = await stage.browser.newContext()
    const scenario = new Scenario(stage, context, await context.newPage())
    open.add(scenario)
    return scenario
  }

  /** For afterAll: a scenario whose test timed out never reached its own cleanup. */
  static async disposeAll(): Promise<void> {
    await Promise.all([...open].map((s) => s.dispose()))
  }

  /** The environment a person's shell would give `pensar`: nothing of the test runner's. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      PATH: process.env.PATH,
      HOME: this.home,
      PENSAR_HOME: this.pensarHome,
      PENSAR_API_URL: this.stage.consoleUrl,
      BROWSER: this.opener.script,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      ...extra,
    }
  }

  /** Runs `pensar <args>` on a fresh terminal (tmux). */
  async terminal(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Terminal> {
    const term = await Terminal.start({ command: [this.stage.binary, ...args], env: this.env(extraEnv), cols: 110, rows: 40 })
    this.terminals.push(term)
    return term
  }

  /** Stops a terminal whose part of the story is over, keeping its last screen for the artifacts. */
  close(term: Terminal): void {
    const index = this.terminals.indexOf(term)
    if (index < 0) return
    this.terminals.splice(index, 1)
    this.keepScreen(term)
    term.stop()
  }

  /** Runs `pensar <args>` without a terminal (as a script would), optionally feeding stdin. */
  async command(args: string[], opts: { stdin?: string; env?: Record<string, string | undefined> } = {}): Promise<CommandResult> {
    const env = Object.fromEntries(Object.entries(this.env({ NO_COLOR: '1', ...opts.env })).filter((e): e is [string, string] => e[1] !== undefined))
    const proc = Bun.spawn([this.stage.binary, ...args], {
      env,
      stdin: opts.stdin === undefined ? 'ignore' : new Blob([opts.stdin]),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    this.processes.add(proc)
    const killer = setTimeout(() => proc.kill('SIGKILL'), COMMAND_DEADLINE_MS)
    try {
      const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
      if (proc.signalCode === 'SIGKILL') throw new Error(`pensar ${args.join(' ')} did not finish within ${COMMAND_DEADLINE_MS} ms\nstderr:\n${stderr}`)
      this.screens.push(`$ pensar ${args.join(' ')}  (exit ${exitCode})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)
      return { exitCode, stdout, stderr }
    } finally {
      clearTimeout(killer)
      this.processes.delete(proc)
    }
  }

  /** Keeps the artifacts of a failed story; returns their folder. */
  async saveArtifacts(name: string): Promise<string> {
    for (const term of this.terminals) this.keepScreen(term)
    return saveArtifacts(name, this.page, this.screens.join('\n\n========\n\n'))
  }

  async dispose(): Promise<void> {
    open.delete(this)
    for (const term of this.terminals.splice(0)) term.stop()
    for (const proc of this.processes) proc.kill('SIGKILL')
    await this.context.close().catch(() => {})
    this.opener.dispose()
    rmSync(this.home, { recursive: true, force: true })
  }

  private keepScreen(term: Terminal) {
    try {
      this.screens.push(term.screen())
    } catch (error) {
      this.screens.push(`(screen unavailable: ${(error as Error).message})`)
    }
  }
}

/** Runs one story; on failure saves and names its artifacts, then fails with the original error. */
export async function runScenario(name: string, stage: Stage, story: (s: Scenario) => Promise<void>): Promise<void> {
  const scenario = await Scenario.open(stage)
  try {
    await story(scenario)
  } catch (error) {
    const dir = await scenario.saveArtifacts(name).catch((e: Error) => `(could not save artifacts: ${e.message})`)
    console.error(`e2e "${name}" failed; page screenshot and terminal screens in ${dir}`)
    throw error
  } finally {
    await scenario.dispose()
  }
}
