// Item 6: what the OS keychain costs. The same session is stored once in auth.json and once in a
// real Secret Service (gnome-keyring in a D-Bus session of the benchmark's own,
// test/helpers/secret-service.ts), and these run interleaved, as the start-up cases do:
// - `status --offline` with each store: it reads no secret, so with the keychain it must cost no
//   more than with the file;
// - `login token` with each store: it reads the access token (valid, so no network), the path
//   that does need the keychain;
// - the keychain's own round trip: a probe compiled like pensar that makes the same one read,
//   minus the same probe doing nothing.
// Target: each keychain case ≤ 1.2 × its file case + that round trip.
import { compile } from '../build/compile'
import { join } from 'node:path'
import { sessionEntryName } from '../src/lib/keychain'
import { benchEnv } from './sample-process'
import { measureStartup, type StartupCase, type StartupResult } from './startup'
import { ratio, ms } from './stats'
import type { TargetCheck } from './targets'
import { STARTUP_MAX_RATIO } from './targets'

export interface KeychainHomes {
  /** A session in auth.json, and the same Console's session in the keychain. */
  file: string
  keychain: string
  apiUrl: string
  /** DBUS_SESSION_BUS_ADDRESS of the Secret Service holding the keychain session. */
  bus: Record<string, string>
}

export interface KeychainResult {
  cases: StartupResult[]
  /** Median of the probe's `get` minus its `none`. */
  roundTripMs: number
}

export const KEYCHAIN_CASES = {
  offlineFile: 'pensar login status --offline (file)',
  offlineKeychain: 'pensar login status --offline (keychain)',
  tokenFile: 'pensar login token (file)',
  tokenKeychain: 'pensar login token (keychain)',
  probeNone: 'keychain probe: start only',
  probeGet: 'keychain probe: one read',
} as const

export async function buildKeychainProbe(workDir: string): Promise<string> {
  const probe = join(workDir, 'keychain-probe')
  await compile({ entry: 'bench/keychain-probe.ts', outfile: probe })
  return probe
}

export function measureKeychain(pensar: string, probe: string, homes: KeychainHomes, runs: number): KeychainResult {
  const fileEnv = benchEnv({ HOME: homes.file, PENSAR_HOME: homes.file, PENSAR_CREDENTIAL_STORE: 'file' })
  const keychainEnv = benchEnv({ HOME: homes.keychain, PENSAR_HOME: homes.keychain, PENSAR_CREDENTIAL_STORE: 'auto', ...homes.bus })
  const probeEnv = benchEnv({ ...homes.bus, PROBE_ENTRY: sessionEntryName(homes.apiUrl, homes.keychain) })
  const cases: StartupCase[] = [
    { name: KEYCHAIN_CASES.offlineFile, argv: [pensar, 'login', 'status', '--offline'], env: fileEnv, expectExit: [0] },
    { name: KEYCHAIN_CASES.offlineKeychain, argv: [pensar, 'login', 'status', '--offline'], env: keychainEnv, expectExit: [0] },
    { name: KEYCHAIN_CASES.tokenFile, argv: [pensar, 'login', 'token'], env: fileEnv, expectExit: [0] },
    { name: KEYCHAIN_CASES.tokenKeychain, argv: [pensar, 'login', 'token'], env: keychainEnv, expectExit: [0] },
    { name: KEYCHAIN_CASES.probeNone, argv: [probe, 'none'], env: probeEnv, expectExit: [0] },
    { name: KEYCHAIN_CASES.probeGet, argv: [probe, 'get'], env: probeEnv, expectExit: [0] },
  ]
  const results = measureStartup(cases, runs)
  return { cases: results, roundTripMs: Math.max(0, medianOf(results, KEYCHAIN_CASES.probeGet) - medianOf(results, KEYCHAIN_CASES.probeNone)) }
}

const medianOf = (cases: StartupResult[], name: string) => cases.find((r) => r.name === name)!.medianMs

export function keychainChecks(k: KeychainResult): TargetCheck[] {
  const median = (name: string) => medianOf(k.cases, name)
  const pair = (keychainCase: string, fileCase: string, what: string): TargetCheck => {
    const limit = STARTUP_MAX_RATIO * median(fileCase) + k.roundTripMs
    return {
      target: `${what} with the keychain ≤ ${STARTUP_MAX_RATIO}× the file + the keychain's round trip`,
      measured: `${ms(median(keychainCase))} vs ${ms(median(fileCase))} (${ratio(median(keychainCase) / median(fileCase))}); limit ${ms(limit)} with a round trip of ${ms(k.roundTripMs)}`,
      pass: median(keychainCase) <= limit,
    }
  }
  return [pair(KEYCHAIN_CASES.offlineKeychain, KEYCHAIN_CASES.offlineFile, '`status --offline`'), pair(KEYCHAIN_CASES.tokenKeychain, KEYCHAIN_CASES.tokenFile, '`login token`')]
}
