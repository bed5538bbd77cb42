// Item 5: how long after the person approves does `pensar login` finish? The CLI can only see an
// approval at its next poll, so a correct client finishes within one poll interval (plus one
// round of requests). Approvals land at evenly spread points of the poll cycle, so the median
// tells the average wait and the maximum the worst case.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import type { LocalConsole } from './local-console'
import { loginWithBinary } from './login-with-binary'
import { maxOf, median } from './stats'

export interface LoginLatencyResult {
  intervalMs: number
  runs: number
  /** Approval → exit, in poll intervals. */
  fractions: number[]
  medianFraction: number
  maxFraction: number
  /** Approval → the poll that saw it (`authorized` event), in poll intervals. */
  maxPollWaitFraction: number
}

export async function measureLoginLatency(opts: { pensar: string; console: LocalConsole; intervalMs: number; runs: number; workDir: string }): Promise<LoginLatencyResult> {
  const fractions: number[] = []
  const pollWaits: number[] = []
  for (let i = 0; i < opts.runs; i++) {
    const home = mkdtempSync(join(opts.workDir, 'login-home-'))
    // Spread the approvals evenly over the poll cycle instead of trusting randomness with few runs.
    const approveAfterMs = ((i + 0.5) / opts.runs) * opts.intervalMs
    const run = await loginWithBinary({ pensar: opts.pensar, home, console: opts.console, approveAfterMs })
    fractions.push(run.approvalToExitMs / opts.intervalMs)
    pollWaits.push(run.approvalToAuthorizedMs / opts.intervalMs)
  }
  return {
    intervalMs: opts.intervalMs,
    runs: opts.runs,
    fractions,
    medianFraction: median(fractions),
    maxFraction: maxOf(fractions),
    maxPollWaitFraction: maxOf(pollWaits),
  }
}
