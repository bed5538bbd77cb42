// `--since`: a number of days (`7d`, `30d`, up to 3650) or a date (`YYYY-MM-DD`, from 00:00 UTC).
// Checked here so a typo is a usage error (exit 2) before any request; the Console works out
// the moment itself, by its own clock.
import { UsageError } from '../../lib/errors'

export const DEFAULT_SINCE = '30d'

export function checkSince(value: string | undefined): string {
  const since = value?.trim() || DEFAULT_SINCE
  const days = /^(\d{1,4})d$/.exec(since)
  if (days && Number(days[1]) >= 1 && Number(days[1]) <= 3650) return since
  const date = /^\d{4}-\d{2}-\d{2}$/.test(since) ? new Date(`${since}T00:00:00Z`) : undefined
  if (date && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(since)) return since
  throw new UsageError(`--since must be a number of days or a date, not ${JSON.stringify(since)}.`, { hint: 'For example --since 7d, --since 30d or --since 2026-05-01.' })
}
