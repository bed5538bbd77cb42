// The Console's clock, as learned from the `Date` header of its responses (src/lib/http.ts hands
// every one to its `onServerDate` listeners). Token expiry is judged by it, so a laptop whose
// clock is ten minutes off (a WSL2 resume, a dead CMOS battery) neither refreshes on every call
// nor keeps presenting expired tokens.

/** `Date` has one-second resolution; smaller differences are noise, not skew. */
const MIN_SKEW_MS = 2_000

export interface ServerClock {
  /** The server's current time, epoch milliseconds. */
  now(): number
  /** Server time minus local time, milliseconds. */
  skewMs(): number
  /** Learn from one response: the time in its `Date` header and the local time it arrived. */
  learn(serverMs: number, localMs: number): void
}

export function createServerClock(localNow: () => number, initialSkewMs = 0): ServerClock {
  let skew = Number.isFinite(initialSkewMs) ? initialSkewMs : 0
  return {
    now: () => localNow() + skew,
    skewMs: () => skew,
    learn(serverMs, localMs) {
      const measured = measureSkew(serverMs, localMs)
      if (measured !== null) skew = measured
    },
  }
}

/** Skew shown by one response (0 within noise), or null when the time is unreadable. */
export function measureSkew(serverMs: number, localMs: number): number | null {
  if (!Number.isFinite(serverMs) || !Number.isFinite(localMs)) return null
  // The header truncates to whole seconds: the server's true time was up to 1 s later.
  const skew = serverMs + 500 - localMs
  return Math.abs(skew) < MIN_SKEW_MS ? 0 : Math.round(skew)
}

interface ServerClockDeps {
  clock: { now(): number }
  http: { onServerDate(listener: (serverMs: number, localMs: number) => void): () => void }
  store: { readConfig(): Record<string, unknown> | undefined }
}

const clocks = new WeakMap<object, ServerClock>()

/**
 * The server clock of one Context: it starts from the skew an earlier process stored in
 * config.json (`clockSkewMs`) and learns from every response the Context's http sees.
 */
export function serverClockFor(ctx: ServerClockDeps): ServerClock {
  let clock = clocks.get(ctx.http)
  if (!clock) {
    const stored = ctx.store.readConfig()?.clockSkewMs
    clock = createServerClock(() => ctx.clock.now(), typeof stored === 'number' ? stored : 0)
    const learner = clock
    ctx.http.onServerDate((serverMs, localMs) => learner.learn(serverMs, localMs))
    clocks.set(ctx.http, clock)
  }
  return clock
}
