// Drives the real binary through `pensar login --json`: waits for the `device_code` event on
// stdout, approves that code through the Console's control API, and times approval → the
// `authorized` event (the poll that saw the approval) and approval → exit.
import type { LocalConsole } from './local-console'
import { benchEnv } from './sample-process'

export const BENCH_EMAIL = 'demo@pensar.local'

export interface LoginRun {
  /** From just before the approval request to the `authorized` event. */
  approvalToAuthorizedMs: number
  /** From just before the approval request to the process's exit. */
  approvalToExitMs: number
}

export interface LoginOptions {
  pensar: string
  home: string
  console: LocalConsole
  /** Waits this long after the code appears before approving (to vary the poll phase). */
  approveAfterMs?: number
  /** More environment (a keyring's bus, PENSAR_CREDENTIAL_STORE). */
  env?: Record<string, string>
}

interface TimedEvent {
  event: Record<string, unknown>
  at: number
}

export async function loginWithBinary(opts: LoginOptions): Promise<LoginRun> {
  const proc = Bun.spawn([opts.pensar, 'login', '--json', '--workspace', 'acme', '--no-browser'], {
    env: benchEnv({ HOME: opts.home, PENSAR_HOME: opts.home, PENSAR_API_URL: opts.console.url, ...opts.env }),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const stderr = new Response(proc.stderr).text()
  const events: TimedEvent[] = []
  let codeSeen: (code: string) => void = () => {}
  const userCode = new Promise<string>((resolve) => (codeSeen = resolve))
  const stdoutDone = readEvents(proc.stdout, (e) => {
    events.push(e)
    const code = e.event.event === 'device_code' ? (e.event.userCode ?? e.event.user_code) : undefined
    if (typeof code === 'string') codeSeen(code)
  })
  const code = await Promise.race([userCode, proc.exited.then((exit) => failure(`exited ${exit} before printing a device_code event`, events, stderr))])
  await Bun.sleep(opts.approveAfterMs ?? 0)
  const approvedAt = performance.now()
  await opts.console.approve(code, BENCH_EMAIL)
  const exitCode = await proc.exited
  const exitedAt = performance.now()
  await stdoutDone
  if (exitCode !== 0) return failure(`exited ${exitCode}`, events, stderr)
  const authorized = events.find((e) => e.event.event === 'authorized')
  return { approvalToAuthorizedMs: (authorized?.at ?? Number.NaN) - approvedAt, approvalToExitMs: exitedAt - approvedAt }
}

async function failure(what: string, events: TimedEvent[], stderr: Promise<string>): Promise<never> {
  throw new Error(`pensar login ${what}:\n${events.map((e) => JSON.stringify(e.event)).join('\n')}\n${await stderr}`)
}

/** Calls `onEvent` for every JSON line of stdout, stamped with when the line arrived. */
async function readEvents(stdout: ReadableStream<Uint8Array>, onEvent: (e: TimedEvent) => void): Promise<void> {
  const decoder = new TextDecoder()
  let pending = ''
  const reader = stdout.getReader()
  for (;;) {
    const chunk = await reader.read()
    if (chunk.done) return
    const at = performance.now()
    pending += decoder.decode(chunk.value, { stream: true })
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      try {
        onEvent({ event: JSON.parse(line) as Record<string, unknown>, at })
      } catch {
        // not an event line
      }
    }
  }
}
