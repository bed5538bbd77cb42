// Brute-force limits (sign-in, user codes) and rate limits (device codes, sign-ups): each key may
// count `max` attempts per 15-minute window, then waits for the window to end. In memory: a restart
// forgets them.

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000
const PRUNE_ABOVE = 10_000

export interface Rule {
  key: string
  max: number
}

export class Throttle {
  private readonly entries = new Map<string, { count: number; windowEnd: number }>()

  constructor(private readonly now: () => number) {}

  /**
   * Counts an attempt against every rule and answers 0, or answers the milliseconds to wait (and
   * counts nothing) when a rule is already at its limit. The attempt counts as failed until
   * `succeeded()`, so guesses sent in parallel count too.
   */
  attempt(rules: Rule[]): number {
    const now = this.now()
    const waitMs = this.waitMs(rules)
    if (waitMs > 0) return waitMs
    if (this.entries.size > PRUNE_ABOVE) this.prune(now)
    for (const { key } of rules) {
      const entry = this.entries.get(key)
      if (entry && entry.windowEnd > now) entry.count += 1
      else this.entries.set(key, { count: 1, windowEnd: now + THROTTLE_WINDOW_MS })
    }
    return 0
  }

  /** The milliseconds to wait until no rule is at its limit (0: none is), counting nothing. */
  waitMs(rules: Rule[]): number {
    const now = this.now()
    return Math.max(0, ...rules.map(({ key, max }) => {
      const entry = this.entries.get(key)
      return entry && entry.windowEnd > now && entry.count >= max ? entry.windowEnd - now : 0
    }))
  }

  /** The attempt succeeded: it no longer counts against its rules. */
  succeeded(rules: Rule[]) {
    for (const { key } of rules) {
      const entry = this.entries.get(key)
      if (entry && entry.count > 0) entry.count -= 1
    }
  }

  private prune(now: number) {
    for (const [key, entry] of this.entries) if (entry.windowEnd <= now) this.entries.delete(key)
  }
}

export function minutesToWait(waitMs: number): string {
  const minutes = Math.ceil(waitMs / 60_000)
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}
