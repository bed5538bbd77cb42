// A clock whose sleep returns at once and moves time forward, so a test gets through a
// ten-minute device-code lifetime in milliseconds. Every sleep is recorded.
import type { Clock } from '../../src/lib/clock'
import { cancelledFrom } from '../../src/lib/errors'

export class FakeClock implements Clock {
  readonly sleeps: number[] = []

  constructor(
    private time = Date.parse('2026-01-01T12:00:00Z'),
    /** Guards against a flow that never stops waiting. */
    private readonly maxSleeps = 10_000,
  ) {}

  now(): number {
    return this.time
  }

  advance(ms: number) {
    this.time += ms
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw cancelledFrom(signal)
    if (this.sleeps.length >= this.maxSleeps) throw new Error(`FakeClock: more than ${this.maxSleeps} sleeps; is a loop stuck?`)
    this.sleeps.push(ms)
    this.time += Math.max(0, ms)
    await Promise.resolve()
    if (signal?.aborted) throw cancelledFrom(signal)
  }

  get sleptMs(): number {
    return this.sleeps.reduce((a, b) => a + b, 0)
  }
}
