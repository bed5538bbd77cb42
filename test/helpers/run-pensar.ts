// Runs the compiled binary as a person or a script would: no terminal, a private PENSAR_HOME,
// streaming stdout/stderr so a test can wait for a line (the device code) while it runs.
import type { Subprocess } from 'bun'
import { pensarBinary } from './pensar-binary'

export interface PensarRun {
  proc: Subprocess<'ignore', 'pipe', 'pipe'>
  stdout(): string
  stderr(): string
  /** Parsed `--json` event lines seen so far (a partly written last line is left out). */
  events(): Record<string, unknown>[]
  /** Resolves with the first event named `name`; rejects on exit or after the deadline. */
  waitForEvent(name: string, timeoutMs?: number): Promise<Record<string, unknown>>
  waitForStderr(text: string | RegExp, timeoutMs?: number): Promise<string>
  /** Resolves with the exit code and the full output. */
  done(timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string; events: Record<string, unknown>[] }>
  kill(): void
}

const running = new Set<Subprocess>()

/** Kill whatever is still running (call from afterAll). */
export function killAllPensar() {
  for (const proc of running) proc.kill('SIGKILL')
  running.clear()
}

/**
 * `command` runs another build instead of dist/pensar, with what starts it: e.g.
 * `['qemu-aarch64-static', 'dist/…/pensar-linux-arm64']` for the arm64 build under emulation.
 */
export async function runPensar(args: string[], opts: { home: string; env?: Record<string, string | undefined>; command?: string[] }): Promise<PensarRun> {
  const command = opts.command ?? [await pensarBinary()]
  const env: Record<string, string> = {}
  // The file store unless a test asks for another (test/helpers/secret-service.ts runs a keyring):
  // on macOS the binary would otherwise reach the developer's own Keychain.
  const defaults = { PATH: process.env.PATH, HOME: opts.home, PENSAR_HOME: `${opts.home}/.pensar`, NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', BROWSER: 'true', PENSAR_CREDENTIAL_STORE: 'file' }
  for (const [k, v] of Object.entries({ ...defaults, ...opts.env })) {
    if (v !== undefined) env[k] = v
  }
  const proc = Bun.spawn([...command, ...args], { env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  running.add(proc)
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  const notify = () => waiters.forEach((w) => w())
  const pump = async (stream: ReadableStream<Uint8Array>, append: (s: string) => void) => {
    const decoder = new TextDecoder()
    const reader = stream.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      append(decoder.decode(value, { stream: true }))
      notify()
    }
  }
  const pumped = Promise.all([pump(proc.stdout, (s) => (out += s)), pump(proc.stderr, (s) => (err += s))])
  // Set before the waiters are told, so one waiting for an event that never came fails at once.
  let exitedFlag = false
  const exited = proc.exited.then(async (code) => {
    await pumped
    running.delete(proc)
    exitedFlag = true
    notify()
    return code
  })

  // Lines that are not JSON (a command's answer without --json: a report, an answer, a token;
  // docs/message-style.md, "Streams") are not events.
  const events = () => out.split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>]
    } catch {
      return []
    }
  })
  function waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let found: T | undefined
        try {
          found = find()
        } catch {}
        if (found !== undefined) return finish(() => resolve(found as T))
        if (exitedFlag) finish(() => reject(new Error(`pensar exited before ${what}.\nstdout:\n${out}\nstderr:\n${err}`)))
      }
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}.\nstdout:\n${out}\nstderr:\n${err}`))), timeoutMs)
      const finish = (settle: () => void) => {
        clearTimeout(timer)
        waiters.delete(check)
        settle()
      }
      waiters.add(check)
      check()
    })
  }

  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    events,
    waitForEvent: (name, timeoutMs = 20_000) => waitFor(() => events().find((e) => e.event === name), `the ${name} event`, timeoutMs),
    waitForStderr: (text, timeoutMs = 20_000) => waitFor(() => ((typeof text === 'string' ? err.includes(text) : text.test(err)) ? err : undefined), `stderr ${text}`, timeoutMs),
    async done(timeoutMs = 25_000) {
      let timer: Timer | undefined
      const code = await Promise.race([
        exited,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`pensar did not exit in time.\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs))),
      ]).finally(() => clearTimeout(timer))
      // Parsed when read: a command whose stdout is not JSON lines (a list, a script) still ends cleanly.
      return {
        code,
        stdout: out,
        stderr: err,
        get events() {
          return events()
        },
      }
    },
    kill: () => proc.kill('SIGKILL'),
  }
}
