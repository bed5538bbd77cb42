// A local Pensar Console in its own process (real HTTP on a free port), with a client for its
// `--dev` control API (docs/console-api.md §7). The tests (through test/helpers/console.ts), the
// demo (build/demo.ts) and the benchmark (bench/) all start their Console with it.
//
//   const pc = await startLocalConsole(['--seed', 'demo', '--interval', '0.2'])
//   await pc.waitForPending()                  // resolves once a device code is waiting (CLI started)
//   const { codes } = await pc.control.pending()
//   await pc.control.approve(codes[0].user_code, 'demo@pensar.local')
//   await pc.control.fault('POST /user_management/authenticate', '503', { count: 2, retryAfter: 1 })
//   await pc.stop()
//
// It always passes `--port 0 --dev` and `--db :memory:` unless `{ db: path }` is given (restart
// persistence: stop, then start again with the same path). Every started Console is also killed
// when this process exits, in case a caller forgets `stop()`.
import type { Subprocess } from 'bun'
import { join } from 'node:path'

const REPO_ROOT = join(import.meta.dir, '..')
const START_DEADLINE_MS = 30_000
const READY_LINE = /^Pensar Console listening on (http:\/\/\S+)$/m

export interface PendingCode {
  user_code: string
  client_id: string
  legacy: boolean
  created_at: string
  expires_at: string
}

export interface ConsoleStats {
  deviceGrants: number
  refreshes: number
  reuseDetections: number
  revocations: number
  requests: Record<string, number>
}

export interface WorkspaceInfo {
  id: string
  name: string
  slug: string
  balance: number
  hasPaymentMethod: boolean
}

export interface WorkspaceSpec {
  name: string
  slug?: string
  balance?: number
  hasPaymentMethod?: boolean
}

export type FaultKind = '500' | '503' | 'delay' | 'malformed' | 'drop'

export interface ConsoleControl {
  approve(userCode: string, email: string, workspace?: string): Promise<{ approved: true; user: { id: string; email: string } }>
  deny(userCode: string): Promise<{ denied: true }>
  pending(): Promise<{ codes: PendingCode[] }>
  stats(): Promise<ConsoleStats>
  resetStats(): Promise<{ ok: true }>
  fault(route: string, kind: FaultKind, opts?: { count?: number; delayMs?: number; retryAfter?: number }): Promise<{ ok: true }>
  clearFaults(): Promise<{ ok: true }>
  createUser(email: string, opts?: { password?: string; workspaces?: WorkspaceSpec[] }): Promise<{ user: { id: string; email: string }; workspaces: WorkspaceInfo[] }>
  createWorkspace(email: string, spec: WorkspaceSpec): Promise<{ workspace: WorkspaceInfo }>
  addMember(slug: string, email: string): Promise<{ ok: true }>
  /** `inferenceEnabled`: the Usage page's Apex Inference switch. */
  setBilling(slug: string, billing: { balance?: number; hasPaymentMethod?: boolean; inferenceEnabled?: boolean }): Promise<{ workspace: WorkspaceInfo & { inferenceEnabled: boolean } }>
  createApiKey(workspaceSlug: string, email: string, name?: string): Promise<{ apiKey: string; id: string }>
  revokeSessions(email: string): Promise<{ revoked: number }>
}

export interface LocalConsole {
  url: string
  proc: Subprocess<'ignore', 'pipe', 'pipe'>
  control: ConsoleControl
  /** Everything the console printed to stderr so far (for failure messages). */
  stderr(): string
  /** Resolves with the newest pending code once one exists (polls the control API). */
  waitForPending(opts?: { timeoutMs?: number; legacy?: boolean }): Promise<PendingCode>
  stop(): Promise<void>
}

export interface StartOptions {
  /** A database file to use instead of `:memory:` (for restart tests). */
  db?: string
  env?: Record<string, string>
}

const running = new Set<Subprocess>()
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL')
})

export async function startLocalConsole(args: string[] = [], options: StartOptions = {}): Promise<LocalConsole> {
  const proc = Bun.spawn(['bun', 'console/main.ts', '--port', '0', '--db', options.db ?? ':memory:', '--dev', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...options.env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  running.add(proc)
  let stderrText = ''
  void collect(proc.stderr, (chunk) => (stderrText += chunk))
  let url: string
  try {
    url = await waitForReadyLine(proc)
  } catch (error) {
    proc.kill('SIGKILL')
    running.delete(proc)
    throw new Error(`${(error as Error).message}\nconsole stderr:\n${stderrText}`)
  }
  const control = consoleControl(url)
  return {
    url,
    proc,
    control,
    stderr: () => stderrText,
    waitForPending: (opts) => waitForPending(control, opts),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM')
        const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
        await proc.exited
        clearTimeout(killer)
      }
      running.delete(proc)
    },
  }
}

/** A control-API client for any Console started with --dev. */
export function consoleControl(url: string): ConsoleControl {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`control ${method} ${path} answered ${response.status}: ${text}`)
    return JSON.parse(text) as T
  }
  return {
    approve: (user_code, email, workspace) => call('POST', '/_console/device/approve', { user_code, email, workspace }),
    deny: (user_code) => call('POST', '/_console/device/deny', { user_code }),
    pending: () => call('GET', '/_console/device/pending'),
    stats: () => call('GET', '/_console/stats'),
    resetStats: () => call('POST', '/_console/stats/reset'),
    fault: (route, kind, opts = {}) => call('POST', '/_console/faults', { route, kind, ...opts }),
    clearFaults: () => call('DELETE', '/_console/faults'),
    createUser: (email, opts = {}) => call('POST', '/_console/users', { email, ...opts }),
    createWorkspace: (email, spec) => call('POST', '/_console/workspaces', { email, ...spec }),
    addMember: (slug, email) => call('POST', `/_console/workspaces/${encodeURIComponent(slug)}/members`, { email }),
    setBilling: (slug, billing) => call('POST', `/_console/workspaces/${encodeURIComponent(slug)}/billing`, billing),
    createApiKey: (workspace, email, name) => call('POST', '/_console/api-keys', { workspace, email, name }),
    revokeSessions: (email) => call('POST', '/_console/sessions/revoke', { email }),
  }
}

async function waitForPending(control: ConsoleControl, { timeoutMs = 20_000, legacy }: { timeoutMs?: number; legacy?: boolean } = {}) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const { codes } = await control.pending()
    const matching = codes.filter((code) => legacy === undefined || code.legacy === legacy)
    if (matching.length) return matching[matching.length - 1]!
    await Bun.sleep(25)
  }
  throw new Error(`no pending device code appeared within ${timeoutMs} ms`)
}

async function waitForReadyLine(proc: Subprocess<'ignore', 'pipe', 'pipe'>): Promise<string> {
  let stdout = ''
  const ready = new Promise<string>((resolve, reject) => {
    void collect(proc.stdout, (chunk) => {
      stdout += chunk
      const match = READY_LINE.exec(stdout)
      if (match) resolve(match[1]!)
    }).then(() => reject(new Error(`the console exited before it was ready (stdout: ${JSON.stringify(stdout)})`)))
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the console printed no "listening" line within ${START_DEADLINE_MS} ms`)), START_DEADLINE_MS)
  })
  try {
    return await Promise.race([ready, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function collect(stream: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder()
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) onText(decoder.decode(chunk, { stream: true }))
}
