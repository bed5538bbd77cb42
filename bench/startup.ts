// Items 1 and 2: start-up time and peak RSS of short commands, against the floor. The cases run
// interleaved, one of each per round and each round in a rotated order, so a burst of noise
// from other work on the machine lands on the floor and the subject alike.
import { median, rotate } from './stats'
import { benchEnv, peakRss, sampleProcess, type Sample } from './sample-process'

export interface StartupCase {
  name: string
  argv: string[]
  env: Record<string, string>
  /** Exit codes that mean "worked as intended" (`status` logged out exits 4). */
  expectExit: number[]
}

export interface StartupResult {
  name: string
  medianMs: number
  medianCpuMs: number
  medianRssBytes: number
  runs: number
  exitCodes: number[]
}

export function measureStartup(cases: StartupCase[], runs: number, warmup = 3): StartupResult[] {
  for (const c of cases) checkCase(c)
  for (let i = 0; i < warmup; i++) for (const c of cases) sampleProcess(c.argv, c.env)
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]))
  const rss = new Map<string, number[]>(cases.map((c) => [c.name, []]))
  for (let round = 0; round < runs; round++) {
    for (const c of rotate(cases, round)) {
      samples.get(c.name)!.push(sampleProcess(c.argv, c.env))
      rss.get(c.name)!.push(peakRss(c.argv, c.env))
    }
  }
  return cases.map((c) => {
    const list = samples.get(c.name)!
    return {
      name: c.name,
      medianMs: median(list.map((s) => s.ms)),
      medianCpuMs: median(list.map((s) => s.cpuMs)),
      medianRssBytes: median(rss.get(c.name)!),
      runs: list.length,
      exitCodes: [...new Set(list.map((s) => s.exitCode))],
    }
  })
}

/** A case that fails for the wrong reason would measure an error path: refuse to time it. */
function checkCase(c: StartupCase): void {
  const run = sampleProcess(c.argv, c.env)
  if (!c.expectExit.includes(run.exitCode)) {
    throw new Error(`${c.name}: exit ${run.exitCode}, expected ${c.expectExit.join(' or ')}\n${run.stdout}${run.stderr}`)
  }
}

export function startupCases(bin: { pensar: string; floor: string }, homes: { loggedIn?: string; loggedOut: string; keychain?: { home: string; bus: Record<string, string> } }): StartupCase[] {
  const env = (home: string) => benchEnv({ HOME: home, PENSAR_HOME: home })
  const cases: StartupCase[] = [
    { name: 'floor --version', argv: [bin.floor, '--version'], env: env(homes.loggedOut), expectExit: [0] },
    { name: 'pensar --version', argv: [bin.pensar, '--version'], env: env(homes.loggedOut), expectExit: [0] },
    { name: 'pensar --help', argv: [bin.pensar, '--help'], env: env(homes.loggedOut), expectExit: [0] },
    { name: 'pensar login status --offline (logged out)', argv: [bin.pensar, 'login', 'status', '--offline'], env: env(homes.loggedOut), expectExit: [4] },
  ]
  if (homes.loggedIn) {
    cases.push({ name: 'pensar login status --offline (logged in)', argv: [bin.pensar, 'login', 'status', '--offline'], env: env(homes.loggedIn), expectExit: [0] })
  }
  if (homes.keychain) {
    const keychainEnv = { ...env(homes.keychain.home), PENSAR_CREDENTIAL_STORE: 'auto', ...homes.keychain.bus }
    cases.push({ name: 'pensar login status --offline (logged in, keychain)', argv: [bin.pensar, 'login', 'status', '--offline'], env: keychainEnv, expectExit: [0] })
  }
  return cases
}
