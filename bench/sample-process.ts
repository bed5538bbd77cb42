// One run of a program: wall time from spawn to exit (as a script sees it), CPU time, and peak RSS.
//
// Peak RSS comes from GNU time (`/usr/bin/time -f %M`, Debian package `time`), not from Bun's
// `resourceUsage().maxRSS`: Bun starts children with vfork semantics, and Linux carries the
// parent's high-water RSS into the child's ru_maxrss at exec, so Bun's figure is never below the
// benchmark's own RSS (~30 MB) and hides the difference we want. Without GNU time we fall back
// to it and say so in RESULTS.md.
import { existsSync } from 'node:fs'

const GNU_TIME = '/usr/bin/time'

export interface Sample {
  ms: number
  /** User + system CPU time of the child: less sensitive than wall time to a busy machine. */
  cpuMs: number
  exitCode: number
  stdout: string
  stderr: string
}

export function sampleProcess(argv: string[], env: Record<string, string>): Sample {
  const started = performance.now()
  const run = Bun.spawnSync(argv, { env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const elapsed = performance.now() - started
  return {
    ms: elapsed,
    cpuMs: run.resourceUsage ? Number(run.resourceUsage.cpuTime.total) / 1000 : Number.NaN,
    exitCode: run.exitCode ?? -1,
    stdout: run.stdout.toString(),
    stderr: run.stderr.toString(),
  }
}

export const RSS_SOURCE = existsSync(GNU_TIME)
  ? 'GNU time (`/usr/bin/time -f %M`)'
  : "Bun's resourceUsage().maxRSS: an upper bound that includes the benchmark's own RSS (install Debian's `time` for exact figures)"

/** Peak resident set size of one run, in bytes. */
export function peakRss(argv: string[], env: Record<string, string>): number {
  if (!existsSync(GNU_TIME)) {
    return Bun.spawnSync(argv, { env, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' }).resourceUsage?.maxRSS ?? Number.NaN
  }
  // `%M` is in KiB; the marker keeps it apart from whatever the program itself printed on stderr.
  const run = Bun.spawnSync([GNU_TIME, '-f', 'peak-rss-kib=%M', ...argv], { env, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' })
  const kib = /peak-rss-kib=(\d+)\s*$/.exec(run.stderr.toString())?.[1]
  return kib ? Number(kib) * 1024 : Number.NaN
}

/** The environment every measured process gets: no colour, no proxy for the local Console, the file store unless a case says otherwise. */
export function benchEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NO_COLOR: '1',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    PENSAR_CREDENTIAL_STORE: 'file',
    ...extra,
  }
}
