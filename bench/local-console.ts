// A local Pensar Console in its own process (so its work never shares the benchmark's event
// loop), with a client for the `--dev` control API (docs/console-api.md §7).
import { resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '..')
const READY_LINE = /Pensar Console listening on (http:\/\/\S+)/

export interface ConsoleStats {
  deviceGrants: number
  refreshes: number
  reuseDetections: number
  revocations: number
  requests: Record<string, number>
}

export interface LocalConsole {
  url: string
  approve(userCode: string, email: string): Promise<void>
  stats(): Promise<ConsoleStats>
  resetStats(): Promise<void>
  /** Every request to `route` (e.g. `POST /user_management/authenticate`) waits `delayMs` first. */
  delayRoute(route: string, delayMs: number): Promise<void>
  clearFaults(): Promise<void>
  stop(): Promise<void>
}

export async function startLocalConsole(args: string[]): Promise<LocalConsole> {
  const proc = Bun.spawn([process.execPath, resolve(ROOT, 'console/main.ts'), '--dev', '--port', '0', '--db', ':memory:', '--seed', 'demo', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  void drain(proc.stderr)
  const url = await readReadyLine(proc.stdout, proc.exited)
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
  return {
    url,
    approve: async (userCode, email) => void (await control('POST', '/_console/device/approve', { user_code: userCode, email })),
    stats: () => control<ConsoleStats>('GET', '/_console/stats'),
    resetStats: async () => void (await control('POST', '/_console/stats/reset')),
    delayRoute: async (route, delayMs) => void (await control('POST', '/_console/faults', { route, kind: 'delay', delayMs, count: 1_000_000 })),
    clearFaults: async () => void (await control('DELETE', '/_console/faults')),
    stop: async () => {
      proc.kill()
      await proc.exited
    },
  }
}

async function readReadyLine(stdout: ReadableStream<Uint8Array>, exited: Promise<number>): Promise<string> {
  const reader = stdout.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const timeout = setTimeout(() => reader.cancel('timeout'), 15_000)
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), exited.then((code) => ({ done: true as const, code }))])
      if (chunk.done) throw new Error(`the Console exited before it was ready:\n${text}`)
      text += decoder.decode(chunk.value, { stream: true })
      const match = READY_LINE.exec(text)
      if (match) return match[1]!
    }
  } finally {
    clearTimeout(timeout)
    reader.releaseLock()
    void drain(stdout)
  }
}

/** Keep reading so the Console never blocks on a full pipe. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  try {
    const reader = stream.getReader()
    while (!(await reader.read()).done) { /* discard */ }
  } catch { /* stopped */ }
}
