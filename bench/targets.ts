// The benchmark targets (bench/RESULTS.md lists them), judged from one run's figures. `pass: null` means "not measured", with why.
import type { ArchiveSizes } from './archive-sizes'
import type { Binaries } from './build-binaries'
import type { ContentionResult } from './contention'
import type { LoginLatencyResult } from './login-latency'
import type { StartupResult } from './startup'
import { mb, mbDelta, ms, ratio } from './stats'

export const STARTUP_MAX_RATIO = 1.2
/** Decimal megabytes, the stricter reading of "MB". */
export const RSS_MAX_EXTRA_BYTES = 15e6
export const SIZE_MAX_EXTRA_BYTES = 5e6
/** What install.sh downloads on linux-x64 (SHA256SUMS and the smallest archive). */
export const DOWNLOAD_MAX_BYTES = 45e6
export const CONTENTION_MAX_RATIO = 2
/** The CLI cannot see an approval before its next poll; 10% covers that poll's round trip and saving. */
export const LOGIN_MAX_INTERVALS = 1.1

export interface TargetCheck {
  target: string
  measured: string
  pass: boolean | null
}

export const FLOOR_CASE = 'floor --version'

export function startupChecks(results: StartupResult[]): TargetCheck[] {
  const floor = results.find((r) => r.name === FLOOR_CASE)
  if (!floor) return []
  return results.filter((r) => r !== floor).flatMap((r) => [
    {
      target: `start-up of \`${r.name}\` ≤ ${STARTUP_MAX_RATIO}× floor`,
      measured: `${ms(r.medianMs)} vs ${ms(floor.medianMs)} = ${ratio(r.medianMs / floor.medianMs)}`,
      pass: r.medianMs <= STARTUP_MAX_RATIO * floor.medianMs,
    },
    {
      target: `peak RSS of \`${r.name}\` ≤ floor + 15 MB`,
      measured: `${mb(r.medianRssBytes)} vs ${mb(floor.medianRssBytes)} = floor ${mbDelta(r.medianRssBytes - floor.medianRssBytes)}`,
      pass: r.medianRssBytes <= floor.medianRssBytes + RSS_MAX_EXTRA_BYTES,
    },
  ])
}

export function sizeCheck(bin: Binaries): TargetCheck {
  const extra = bin.pensarBytes - bin.floorBytes
  return {
    target: 'binary size ≤ floor + 5 MB',
    measured: `${mb(bin.pensarBytes)} vs ${mb(bin.floorBytes)} = floor ${mbDelta(extra)}`,
    pass: extra <= SIZE_MAX_EXTRA_BYTES,
  }
}

/** install.sh fetches SHA256SUMS and the smallest archive it can unpack: the .tar.xz where xz is. */
export function downloadCheck(a: ArchiveSizes): TargetCheck {
  const smallest = a.archives[0]
  if (!smallest) return notMeasured('install.sh download ≤ 45 MB', 'no archives were built')
  const bytes = a.sumsBytes + smallest.bytes
  return {
    target: `install.sh download on ${a.target} ≤ ${mb(DOWNLOAD_MAX_BYTES)}`,
    measured: `${mb(bytes)} (${smallest.file} and SHA256SUMS; the binary is ${mb(a.binary.bytes)})`,
    pass: bytes <= DOWNLOAD_MAX_BYTES,
  }
}

export function contentionChecks(c: ContentionResult): TargetCheck[] {
  const refreshes = c.crowd.map((r) => r.refreshes)
  return [
    {
      target: `${c.processes} concurrent \`pensar status\` wall ≤ ${CONTENTION_MAX_RATIO}× one process`,
      measured: `${ms(c.medianCrowdMs)} vs ${ms(c.medianSingleMs)} = ${ratio(c.medianCrowdMs / c.medianSingleMs)}`,
      pass: c.medianCrowdMs <= CONTENTION_MAX_RATIO * c.medianSingleMs,
    },
    {
      target: `refresh requests seen by the Console with ${c.processes} processes = 1`,
      measured: refreshes.every((n) => n === 1) ? `1 in each of ${refreshes.length} rounds` : `per round: ${refreshes.join(', ')}`,
      pass: refreshes.every((n) => n === 1),
    },
    {
      target: 'every `pensar status` exits 0 and reports online.ok',
      measured: c.failures.length === 0 ? 'all did' : c.failures.slice(0, 3).join('; '),
      pass: c.failures.length === 0,
    },
  ]
}

export function loginCheck(l: LoginLatencyResult): TargetCheck {
  return {
    target: `login done within one poll interval after approval (max ≤ ${LOGIN_MAX_INTERVALS} intervals)`,
    measured: `median ${l.medianFraction.toFixed(2)}, max ${l.maxFraction.toFixed(2)} intervals of ${l.intervalMs / 1000} s (approval → poll max ${l.maxPollWaitFraction.toFixed(2)})`,
    pass: l.maxFraction <= LOGIN_MAX_INTERVALS,
  }
}

export function notMeasured(target: string, reason: string): TargetCheck {
  return { target, measured: `not measured: ${reason}`, pass: null }
}
