// Item 4: N `pensar status` processes that all need a refresh at once, against one process alone.
// Before each measurement the stored access token is left to expire for real (we wait on its
// `exp`, read from the JWT), so every process has to renew it; the Console counts the refresh
// grants it answered, which must be exactly one however many processes start together.
//
// The token endpoint is given a realistic round trip (REFRESH_LATENCY_MS, via the Console's
// `delay` fault): against a local Console a refresh costs ~1 ms and the figure would only measure
// how fast 2 cores start 20 processes. With it, processes that refresh one after another (or
// wait badly for the lock) show up as a multiple of that latency. The same N floor binaries
// started at once give the part of the wall time that is only process start-up.
//
// The single process and the crowd use two logged-in homes (two sessions), so one home's token
// expires while the other is measured and the waits overlap.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LocalConsole } from './local-console'
import { benchEnv } from './sample-process'
import { maxOf, median } from './stats'

export const TOKEN_ROUTE = 'POST /user_management/authenticate'
export const REFRESH_LATENCY_MS = 300

export interface ContentionRound {
  processes: number
  wallMs: number
  refreshes: number
  failures: string[]
}

export interface ContentionResult {
  processes: number
  refreshLatencyMs: number
  single: ContentionRound[]
  crowd: ContentionRound[]
  medianSingleMs: number
  medianCrowdMs: number
  /** N floor binaries started at once: the start-up share of the crowd's wall time. */
  medianFloorCrowdMs: number
  maxCrowdRefreshes: number
  failures: string[]
}

export interface ContentionOptions {
  pensar: string
  floor: string
  homes: { single: string; crowd: string }
  console: LocalConsole
  processes: number
  rounds: number
}

export async function measureContention(opts: ContentionOptions): Promise<ContentionResult> {
  const single: ContentionRound[] = []
  const crowd: ContentionRound[] = []
  const floorCrowd: number[] = []
  await opts.console.delayRoute(TOKEN_ROUTE, REFRESH_LATENCY_MS)
  try {
    // One unrecorded round first: the first spawns of a binary pay for cold caches.
    for (let round = -1; round < opts.rounds; round++) {
      const one = await statusAfterExpiry(opts, opts.homes.single, 1)
      const many = await statusAfterExpiry(opts, opts.homes.crowd, opts.processes)
      const floors = await runTogether([opts.floor, '--version'], benchEnv({ HOME: opts.homes.single }), opts.processes)
      if (round < 0) continue
      single.push(one)
      crowd.push(many)
      floorCrowd.push(floors.wallMs)
    }
  } finally {
    await opts.console.clearFaults()
  }
  return {
    processes: opts.processes,
    refreshLatencyMs: REFRESH_LATENCY_MS,
    single,
    crowd,
    medianSingleMs: median(single.map((r) => r.wallMs)),
    medianCrowdMs: median(crowd.map((r) => r.wallMs)),
    medianFloorCrowdMs: median(floorCrowd),
    maxCrowdRefreshes: maxOf(crowd.map((r) => r.refreshes)),
    failures: [...new Set([...single, ...crowd].flatMap((r) => r.failures))],
  }
}

async function statusAfterExpiry(opts: ContentionOptions, home: string, processes: number): Promise<ContentionRound> {
  await waitForTokenExpiry(home)
  await opts.console.resetStats()
  const env = benchEnv({ HOME: home, PENSAR_HOME: home, PENSAR_API_URL: opts.console.url })
  const { wallMs, results } = await runTogether([opts.pensar, 'status', '--json'], env, processes)
  const { refreshes } = await opts.console.stats()
  const failures = results.filter((r) => r.code !== 0 || !onlineOk(r.out)).map((r) => `status exited ${r.code}: ${(r.err || r.out).trim().split('\n')[0]}`)
  return { processes, wallMs, refreshes, failures }
}

interface Finished {
  code: number
  out: string
  err: string
}

/** Starts `count` copies at once; the wall time runs until the last one has exited. */
async function runTogether(argv: string[], env: Record<string, string>, count: number): Promise<{ wallMs: number; results: Finished[] }> {
  const started = performance.now()
  const procs = Array.from({ length: count }, () => Bun.spawn(argv, { env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' }))
  const results = await Promise.all(
    procs.map(async (p) => {
      const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited])
      return { code, out, err }
    }),
  )
  return { wallMs: performance.now() - started, results }
}

function onlineOk(stdout: string): boolean {
  try {
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { online?: { ok?: boolean } }
    return report.online?.ok === true
  } catch {
    return false
  }
}

/** Sleeps until the stored access token's `exp` has passed (plus the Date header's 1 s grain). */
export async function waitForTokenExpiry(home: string): Promise<void> {
  const wait = storedTokenExpiry(home) + 1_000 - Date.now()
  if (wait > 0) await Bun.sleep(wait)
}

function storedTokenExpiry(home: string): number {
  const auth = JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8')) as { accessToken?: string; expiresAt?: number }
  const payload = auth.accessToken?.split('.')[1]
  const exp = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number }).exp : undefined
  if (typeof exp === 'number') return exp * 1000
  if (typeof auth.expiresAt === 'number') return auth.expiresAt
  throw new Error(`${home}/auth.json holds no access token with an expiry`)
}
