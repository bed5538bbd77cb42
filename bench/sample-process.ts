// One run of a program: wall time from spawn to exit, as a shell script sees it, and the peak
// resident set size the kernel recorded for that child (wait4's ru_maxrss, which Bun reports in
// bytes). Nothing to install: no hyperfine, no /usr/bin/time.

export interface Sample {
  ms: number
  /** User + system CPU time of the child: less sensitive than wall time to a busy machine. */
  cpuMs: number
  maxRssBytes: number
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
    maxRssBytes: run.resourceUsage?.maxRSS ?? Number.NaN,
    exitCode: run.exitCode ?? -1,
    stdout: run.stdout.toString(),
    stderr: run.stderr.toString(),
  }
}

/** The environment every measured process gets: no colour, no proxy for the local Console. */
export function benchEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NO_COLOR: '1',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...extra,
  }
}
