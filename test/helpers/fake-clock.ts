// A clock whose sleep returns at once and moves time forward, so a test gets through a
// ten-minute device-code lifetime in milliseconds. Every sleep is recorded. `timeout(ms)` is a
// deadline on this clock: it fires when a sleep or `advance` moves the time past it.
import type { Clock } from '../../src/lib/clock'
import { cancelledFrom } from '../../src/lib/errors'

export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  private readonly timers: { at: number; controller: AbortController }[] = []

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
    this.fireTimers()
  }

  /** Like `AbortSignal.timeout(ms)`, on this clock's time. */
  timeout(ms: number): AbortSignal {
    const controller = new AbortController()
    this.timers.push({ at: this.time + ms, controller })
    return controller.signal
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw cancelledFrom(signal)
    if (this.sleeps.length >= this.maxSleeps) throw new Error(`FakeClock: more than ${this.maxSleeps} sleeps; is a loop stuck?`)
    this.sleeps.push(ms)
    this.time += Math.max(0, ms)
    this.fireTimers()
    await Promise.resolve()
    if (signal?.aborted) throw cancelledFrom(signal)
  }

  private fireTimers() {
    for (const timer of this.timers.filter((t) => t.at <= this.time)) {
      this.timers.splice(this.timers.indexOf(timer), 1)
      timer.controller.abort(new DOMException('The operation timed out.', 'TimeoutError'))
    }
  }

  get sleptMs(): number {
    return this.sleeps.reduce((a, b) => a + b, 0)
  }
}
