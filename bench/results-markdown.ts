// Renders bench/RESULTS.md: machine and versions first, then the medians, then the verdicts.
import type { ArchiveSizes } from './archive-sizes'
import type { Binaries } from './build-binaries'
import type { ContentionResult } from './contention'
import type { KeychainResult } from './keychain'
import type { LoginLatencyResult } from './login-latency'
import type { MachineInfo } from './machine'
import type { StartupResult } from './startup'
import { RSS_SOURCE } from './sample-process'
import { FLOOR_CASE, type TargetCheck } from './targets'
import { mb, mbDelta, median, ms, ratio } from './stats'

export interface BenchReport {
  machine: MachineInfo
  binaries?: Binaries
  archives?: ArchiveSizes
  startup?: StartupResult[]
  contention?: ContentionResult
  login?: LoginLatencyResult
  keychain?: KeychainResult
  checks: TargetCheck[]
  notes: string[]
}

export function renderResults(r: BenchReport): string {
  const m = r.machine
  return [
    '# Benchmark results',
    '',
    `Written by \`bun run bench\` (bench/run.ts) on ${m.date}. Every figure is a median, compared with a floor measured in the same run: a one-line citty program compiled with the same flags (build/compile.ts).`,
    '',
    '## Machine and versions',
    '',
    `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memory}; ${m.os}`,
    `- Bun ${m.bun}; \`${r.binaries?.pensarVersion ?? 'pensar (not built)'}\`; commit ${m.pensarCommit}`,
    '',
    ...section('Targets', renderChecks(r.checks)),
    ...(r.startup ? section('Start-up and peak RSS (items 1–2)', renderStartup(r.startup)) : []),
    ...(r.binaries ? section('Binary size (item 3)', [`- pensar ${mb(r.binaries.pensarBytes)}, floor ${mb(r.binaries.floorBytes)}: floor ${mbDelta(r.binaries.pensarBytes - r.binaries.floorBytes)}`]) : []),
    ...(r.archives ? section(`Release archives (${r.archives.target})`, renderArchives(r.archives)) : []),
    ...(r.contention ? section('Refresh under contention (item 4)', renderContention(r.contention)) : []),
    ...(r.login ? section('Login latency (item 5)', renderLogin(r.login)) : []),
    ...(r.keychain ? section('The OS keychain (item 6)', renderKeychain(r.keychain)) : []),
    ...(r.notes.length ? section('Notes', r.notes.map((n) => `- ${n}`)) : []),
  ].join('\n')
}

function section(title: string, lines: string[]): string[] {
  return [`## ${title}`, '', ...lines, '']
}

function renderArchives(a: ArchiveSizes): string[] {
  const rows = [a.binary, ...a.archives].map((f) => `| \`${f.file}\` | ${mb(f.bytes)} | ${((100 * f.bytes) / a.binary.bytes).toFixed(0)}% |`)
  return ['Built by `release()` for this machine\'s target, so these are the files a release ships.', '', '| file | size | of the binary |', '| --- | --- | --- |', ...rows]
}

function renderChecks(checks: TargetCheck[]): string[] {
  const verdict = (pass: boolean | null) => (pass === null ? 'not measured' : pass ? 'PASS' : '**FAIL**')
  return ['| target | measured | verdict |', '| --- | --- | --- |', ...checks.map((c) => `| ${c.target} | ${c.measured} | ${verdict(c.pass)} |`)]
}

function renderStartup(results: StartupResult[]): string[] {
  const floor = results.find((s) => s.name === FLOOR_CASE)
  const rows = results.map((s) => {
    const vs = floor && s !== floor
      ? `${ratio(s.medianMs / floor.medianMs)} | ${ratio(s.medianCpuMs / floor.medianCpuMs)} | ${mbDelta(s.medianRssBytes - floor.medianRssBytes)}`
      : '— | — | —'
    return `| \`${s.name}\` | ${ms(s.medianMs)} | ${ms(s.medianCpuMs)} | ${mb(s.medianRssBytes)} | ${vs} | ${s.runs} |`
  })
  return [
    `Wall time from spawn to exit, runs interleaved in rotating order after a warm-up; the targets are judged on it. CPU time (user + system) is shown as well because a busy machine inflates it less. Peak RSS: ${RSS_SOURCE}. MB = 10⁶ bytes.`,
    '',
    '| command | wall | CPU | peak RSS | wall vs floor | CPU vs floor | RSS vs floor | runs |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ]
}

function renderContention(c: ContentionResult): string[] {
  const spread = (rounds: { wallMs: number }[]) => {
    const walls = rounds.map((r) => r.wallMs)
    return `median ${ms(median(walls))} (min ${ms(Math.min(...walls))}, max ${ms(Math.max(...walls))})`
  }
  const refreshes = (rounds: { refreshes: number }[]) => rounds.map((r) => r.refreshes).join(', ')
  return [
    `Each measurement starts after the stored access token has expired (the benchmark waits for the JWT's \`exp\`), so every process needs a refresh. The Console's token endpoint answers after ${c.refreshLatencyMs} ms (its \`delay\` fault), a realistic round trip: refreshes made one after another would add up. ${c.single.length} rounds after a warm-up round, one process then ${c.processes}, each on its own logged-in home.`,
    '',
    `- one process: ${spread(c.single)}; refreshes per round: ${refreshes(c.single)}`,
    `- ${c.processes} processes at once: ${spread(c.crowd)}; refreshes per round: ${refreshes(c.crowd)}`,
    `- ratio of the medians ${ratio(c.medianCrowdMs / c.medianSingleMs)}`,
    `- for scale: ${c.processes} floor binaries started at once take ${ms(c.medianFloorCrowdMs)} (process start-up alone on ${navigator.hardwareConcurrency} cores)`,
  ]
}

function renderKeychain(k: KeychainResult): string[] {
  const rows = k.cases.map((s) => `| \`${s.name}\` | ${ms(s.medianMs)} | ${ms(s.medianCpuMs)} | ${mb(s.medianRssBytes)} | ${s.runs} |`)
  return [
    "One session stored in auth.json and one in gnome-keyring's Secret Service (a D-Bus session of the benchmark's own), with an access token valid for the whole run, so `login token` reads it and never renews; the cases run interleaved. The round trip is what one `Bun.secrets.get` of the session's entry adds to a fresh process (loading libsecret, connecting to the bus, the read): a probe compiled like pensar, reading, minus the same probe not reading.",
    '',
    '| command | wall | CPU | peak RSS | runs |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `- the keychain's round trip: ${ms(k.roundTripMs)}`,
  ]
}

function renderLogin(l: LoginLatencyResult): string[] {
  return [
    `\`pensar login --json --workspace acme --no-browser\` against a Console polling every ${l.intervalMs / 1000} s; the approval (control API) lands at evenly spread points of the poll cycle. ${l.runs} logins.`,
    '',
    `- approval → exit, in poll intervals: median ${l.medianFraction.toFixed(2)}, max ${l.maxFraction.toFixed(2)}`,
    `- approval → \`authorized\` event (the poll that saw it), max ${l.maxPollWaitFraction.toFixed(2)} intervals`,
    `- all runs: ${l.fractions.map((f) => f.toFixed(2)).join(', ')}`,
  ]
}
