// A real terminal for end-to-end tests: tmux on a private socket, so killing that tmux server
// ends every process the test started in it. Tests type with `press`/`type` and read the screen
// with `screen()`/`waitFor()`; nothing here sleeps to synchronise, it polls the screen until the
// expected text shows or the deadline passes. With `rawOutput`, every byte the program writes to
// the terminal is also kept (`tmux pipe-pane`), escape sequences and all, for tests that check
// what reached the terminal rather than what it drew.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TerminalOptions {
  /** The command line to run, e.g. `['/path/pensar', 'login']`. */
  command: string[]
  env: Record<string, string | undefined>
  cwd?: string
  cols?: number
  rows?: number
  /**
   * Keep the raw bytes written to the pane (`rawOutput()`), from the program's first byte: the
   * command waits for a line on its terminal until the pipe is in place. tmux then also accepts
   * OSC 52 into its paste buffers (`set-clipboard on`), so `clipboard()` shows what was copied.
   */
  rawOutput?: boolean
}

const EXIT_MARK = '__PENSAR_EXIT='
const TMUX = Bun.which('tmux') ?? 'tmux'

// A test that times out never reaches its cleanup: whatever is still running when the test
// process exits is stopped here (stop() is synchronous, so it works in an 'exit' handler).
const live = new Set<Terminal>()
process.on('exit', () => {
  for (const term of live) term.stop()
})

export class Terminal {
  readonly socket: string
  private readonly dir: string
  private readonly session = 'e2e'

  private constructor(dir: string) {
    this.dir = dir
    this.socket = join(dir, 'tmux.sock')
  }

  static async start(opts: TerminalOptions): Promise<Terminal> {
    const term = new Terminal(mkdtempSync(join(tmpdir(), 'pensar-tmux-')))
    // The shell prints the exit code and then waits, so the last screen stays readable.
    // `trap : INT` keeps this wrapper alive through a Ctrl-C sent to the program (a handled
    // signal, unlike an ignored one, is reset to the default in the child), so the exit code of a
    // cancelled program is still printed.
    const gate = opts.rawOutput ? 'read _gate; ' : ''
    const line = `trap : INT; ${gate}${opts.command.map(shellQuote).join(' ')}; echo "${EXIT_MARK}$?"; sleep 600`
    // The first command starts this socket's tmux server, whose environment the pane inherits:
    // give it exactly the test's variables, so nothing of the test runner's (CI=true, which makes
    // the CLI non-interactive; a developer's PENSAR_*) leaks into the terminal. `-u`: UTF-8 even
    // without a UTF-8 locale, so clack's symbols are not drawn as `_`.
    // The file store unless the test asks for another, as run-pensar.ts: on macOS the binary would
    // otherwise reach the developer's own Keychain, and on Linux a terminal's screens would depend
    // on whether a Secret Service happens to answer.
    const vars = { PENSAR_CREDENTIAL_STORE: 'file', ...opts.env }
    const env = Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => typeof e[1] === 'string'))
    term.tmux(
      [
        '-u', 'new-session', '-d', '-s', term.session, '-x', String(opts.cols ?? 100), '-y', String(opts.rows ?? 32),
        ...(opts.cwd ? ['-c', opts.cwd] : []), 'sh', '-c', line,
      ],
      env,
    )
    live.add(term)
    if (opts.rawOutput) {
      term.tmux(['set-option', '-s', 'set-clipboard', 'on'])
      term.tmux(['pipe-pane', '-O', '-t', term.session, `cat >> ${shellQuote(term.rawPath)}`])
      term.press('Enter') // opens the gate: the program starts with the pipe already in place
    }
    return term
  }

  private get rawPath(): string {
    return join(this.dir, 'raw-output')
  }

  /** Every byte written to the pane so far (the gate's echoed Enter first). */
  rawOutput(): string {
    return existsSync(this.rawPath) ? readFileSync(this.rawPath, 'utf8') : ''
  }

  /** The raw output once the program has ended and all of it has come through the pipe. */
  async rawOutputToTheEnd(timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const raw = this.rawOutput()
      if (raw.includes(EXIT_MARK)) return raw
      await Bun.sleep(20) // polling the pipe's file, not a synchronisation guess
    }
    throw new Error(`the program's exit never came through the pipe within ${timeoutMs} ms`)
  }

  /** What tmux's paste buffers hold: text put there with OSC 52 (with `rawOutput`). */
  clipboard(): string[] {
    const names = this.tmux(['list-buffers', '-F', '#{buffer_name}']).split('\n').filter(Boolean)
    return names.map((name) => this.tmux(['show-buffer', '-b', name]))
  }

  /** The pane's title, which OSC 0 / OSC 2 would set. */
  title(): string {
    return this.tmux(['display-message', '-p', '-t', this.session, '#{pane_title}']).trim()
  }

  /** The visible screen as text. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-t', this.session])
  }

  /** Waits until the screen matches, and returns it; throws with the last screen on timeout. */
  async waitFor(expected: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    let last = ''
    while (Date.now() < deadline) {
      last = this.screen()
      if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last
      await Bun.sleep(50) // polling interval of a screen reader, not a synchronisation guess
    }
    throw new Error(`terminal never showed ${String(expected)} within ${timeoutMs} ms; last screen:\n${last}`)
  }

  /** Waits for the program to end and returns its exit code. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    const screen = await this.waitFor(new RegExp(`${EXIT_MARK}\\d+`), timeoutMs)
    return Number(screen.match(new RegExp(`${EXIT_MARK}(\\d+)`))?.[1])
  }

  /** The program's process id: the child of the pane's `sh -c` wrapper. */
  programPid(): number {
    const shell = this.tmux(['display-message', '-p', '-t', this.session, '#{pane_pid}']).trim()
    const children = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(' ').filter(Boolean)
    if (children.length !== 1) throw new Error(`the pane's shell ${shell} has ${children.length} children, not the one program`)
    return Number(children[0])
  }

  /** Sends one tmux key name (`Enter`, `Down`, `Escape`, `C-c`, `b`); keys go one at a time. */
  press(key: string): void {
    this.tmux(['send-keys', '-t', this.session, key])
  }

  /** Types literal text. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', this.session, '-l', text])
  }

  stop(): void {
    live.delete(this)
    Bun.spawnSync([TMUX, '-S', this.socket, 'kill-server'], { stderr: 'ignore' })
    rmSync(this.dir, { recursive: true, force: true })
  }

  private tmux(args: string[], env?: Record<string, string>): string {
    const run = Bun.spawnSync([TMUX, '-S', this.socket, ...args], { stderr: 'pipe', ...(env ? { env } : {}) })
    if (run.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr.toString()}`)
    return run.stdout.toString()
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}
