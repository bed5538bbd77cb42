// Item 4: N `pensar status` processes that all need a refresh at once, against one process alone.
// Before each measurement the stored access token is left to expire for real (we wait on its
// `exp`, read from the JWT), so every process has to renew it; the Console counts the refresh
// grants it answered, which must be exactly one however many processes start together.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LocalConsole } from './local-console'
import { benchEnv } from './sample-process'
import { maxOf, median } from './stats'

export interface ContentionRound {
  processes: number
  wallMs: number
  refreshes: number
  failures: string[]
}

export interface ContentionResult {
  processes: number
  single: ContentionRound[]
  crowd: ContentionRound[]
  medianSingleMs: number
  medianCrowdMs: number
  maxCrowdRefreshes: number
  failures: string[]
}

export interface ContentionOptions {
  pensar: string
  home: string
  console: LocalConsole
  processes: number
  rounds: number
}

export async function measureContention(opts: ContentionOptions): Promise<ContentionResult> {
  const single: ContentionRound[] = []
  const crowd: ContentionRound[] = []
  for (let round = 0; round < opts.rounds; round++) {
    // Alternate which goes first, so a slow patch of the machine does not always hit one side.
    const order = round % 2 === 0 ? [1, opts.processes] : [opts.processes, 1]
    for (const n of order) (n === 1 ? single : crowd).push(await statusAfterExpiry(opts, n))
  }
  const failures = [...single, ...crowd].flatMap((r) => r.failures)
  return {
    processes: opts.processes,
    single,
    crowd,
    medianSingleMs: median(single.map((r) => r.wallMs)),
    medianCrowdMs: median(crowd.map((r) => r.wallMs)),
    maxCrowdRefreshes: maxOf(crowd.map((r) => r.refreshes)),
    failures: [...new Set(failures)],
  }
}

async function statusAfterExpiry(opts: ContentionOptions, processes: number): Promise<ContentionRound> {
  await waitForTokenExpiry(opts.home)
  await opts.console.resetStats()
  const env = benchEnv({ HOME: opts.home, PENSAR_HOME: opts.home, PENSAR_API_URL: opts.console.url })
  const started = performance.now()
  const procs = Array.from({ length: processes }, () =>
    Bun.spawn([opts.pensar, 'status', '--json'], { env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' }),
  )
  const results = await Promise.all(procs.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })))
  const wallMs = performance.now() - started
  const { refreshes } = await opts.console.stats()
  const failures = results.filter((r) => r.code !== 0 || !onlineOk(r.out)).map((r) => `status exited ${r.code}: ${(r.err || r.out).trim().split('\n')[0]}`)
  return { processes, wallMs, refreshes, failures }
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
  const expiresAt = storedTokenExpiry(home)
  const wait = expiresAt + 1_000 - Date.now()
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
