// The benchmark's view of a local Pensar Console (console/local-process.ts: its own process, so
// its work never shares the benchmark's event loop), with the demo data and the few control-API
// calls the benchmark makes.
import { startLocalConsole as startConsoleProcess, type ConsoleStats } from '../console/local-process'

export type { ConsoleStats }

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
  const pc = await startConsoleProcess(['--seed', 'demo', ...args])
  return {
    url: pc.url,
    approve: async (userCode, email) => void (await pc.control.approve(userCode, email)),
    stats: () => pc.control.stats(),
    resetStats: async () => void (await pc.control.resetStats()),
    delayRoute: async (route, delayMs) => void (await pc.control.fault(route, 'delay', { delayMs, count: 1_000_000 })),
    clearFaults: async () => void (await pc.control.clearFaults()),
    stop: () => pc.stop(),
  }
}
