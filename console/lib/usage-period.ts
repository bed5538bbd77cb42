// The period a usage view covers, as the Usage page's `?since=` and `GET /api/cli/usage?since=`
// both take it: `7d`, `30d` (any whole number of days up to 3650) or a date `YYYY-MM-DD` (from
// 00:00 UTC that day). The default is the last 30 days.

export const DEFAULT_SINCE = '30d'
const DAY_MS = 86_400_000

export interface UsagePeriod {
  /** As given (`7d`, `2026-05-01`). */
  since: string
  sinceMs: number
  /** The moment the period was worked out: its end. */
  untilMs: number
  /** For people: "the last 7 days", "since 2026-05-01". */
  label: string
}

/** null when `raw` is neither form. */
export function parseUsagePeriod(raw: string | null | undefined, now: number): UsagePeriod | null {
  const since = (raw ?? '').trim() || DEFAULT_SINCE
  const days = /^(\d{1,4})d$/.exec(since)
  if (days) {
    const n = Number(days[1])
    if (n < 1 || n > 3650) return null
    return { since, sinceMs: now - n * DAY_MS, untilMs: now, label: n === 1 ? 'the last day' : `the last ${n} days` }
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(since)
  if (!date) return null
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])]
  const sinceMs = Date.UTC(year, month - 1, day)
  // Date.UTC rolls 2026-02-31 over into March: only a date that exists is accepted.
  if (new Date(sinceMs).toISOString().slice(0, 10) !== since) return null
  return { since, sinceMs, untilMs: now, label: `since ${since}` }
}
