// The bag of state every handler receives: database, options, signing key, clock, stats, faults.
import type { Database } from 'bun:sqlite'
import type { SigningAlgorithm, SigningKey } from './lib/jwt.ts'
import type { Stats } from './stats.ts'
import type { Faults } from './faults.ts'
import type { TrustedIssuer } from './trust-issuer.ts'
import type { Throttle } from './throttle.ts'
import { isWildcardHost } from './lib/addresses.ts'

export const CLI_CLIENT_ID = 'client_pensar_cli'
// A second registered client, so tests can check that one client cannot redeem another's codes.
export const TEST_CLIENT_ID = 'client_pensar_test'
export const KNOWN_CLIENTS = new Set([CLI_CLIENT_ID, TEST_CLIENT_ID])
export const LEGACY_CLIENT_ID = 'legacy'

export interface ConsoleOptions {
  port?: number
  host?: string
  /** File path, or `:memory:`. */
  db?: string
  accessTtlSeconds?: number
  deviceTtlSeconds?: number
  /** May be fractional (0.2) so tests run fast. */
  intervalSeconds?: number
  seed?: 'demo'
  dev?: boolean
  trustIssuer?: string
  legacyOnly?: boolean
  /** The access tokens' algorithm (default ES256); in-process tests play an RS256 provider with it. */
  signingAlg?: SigningAlgorithm
  /** The URL clients reach the Console at (links, issuer), when it is not `http://host:port`. */
  publicUrl?: string
  /** Believe X-Forwarded-For, -Host and -Proto (only behind a proxy that sets them). */
  trustProxy?: boolean
  /** Device codes (both flows together) one client address may request per 15 minutes. */
  deviceCodeLimit?: number
  /** Accounts one client address may create through the sign-up page per 15 minutes. */
  signupLimit?: number
  /** Milliseconds since the epoch; injectable for in-process tests. */
  now?: () => number
}

export interface ResolvedOptions {
  port: number
  host: string
  db: string
  accessTtlSeconds: number
  deviceTtlSeconds: number
  intervalSeconds: number
  seed?: 'demo'
  dev: boolean
  trustIssuer?: string
  legacyOnly: boolean
  publicUrl?: string
  trustProxy: boolean
  deviceCodeLimit: number
  signupLimit: number
}

export interface App {
  db: Database
  options: ResolvedOptions
  /** The public base URL, e.g. http://127.0.0.1:4100; known once the server listens. */
  url: string
  key: SigningKey
  now: () => number
  stats: Stats
  faults: Faults
  trust: TrustedIssuer | null
  /** Secret for CSRF tokens (kept in the database). */
  csrfSecret: string
  /** Brute-force limits (sign-in, user codes) and rate limits (device codes, sign-ups). */
  throttle: Throttle
}

export const DEFAULTS = {
  port: 4100,
  host: '127.0.0.1',
  db: '.pensar-console/console.db',
  accessTtlSeconds: 300,
  deviceTtlSeconds: 600,
  intervalSeconds: 5,
  // Generous for people (an office behind one address, a developer retrying) while keeping one
  // address from filling the database or the space of user codes.
  deviceCodeLimit: 100,
  signupLimit: 10,
} as const

export function resolveOptions(options: ConsoleOptions): ResolvedOptions {
  const host = options.host ?? DEFAULTS.host
  const problem = unnamedHostProblem(host, options.publicUrl)
  if (problem) throw new Error(problem)
  return {
    port: options.port ?? DEFAULTS.port,
    host,
    db: options.db ?? DEFAULTS.db,
    accessTtlSeconds: options.accessTtlSeconds ?? DEFAULTS.accessTtlSeconds,
    deviceTtlSeconds: options.deviceTtlSeconds ?? DEFAULTS.deviceTtlSeconds,
    intervalSeconds: options.intervalSeconds ?? DEFAULTS.intervalSeconds,
    seed: options.seed,
    dev: options.dev ?? false,
    trustIssuer: options.trustIssuer?.replace(/\/+$/, ''),
    legacyOnly: options.legacyOnly ?? false,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    trustProxy: options.trustProxy ?? false,
    deviceCodeLimit: options.deviceCodeLimit ?? DEFAULTS.deviceCodeLimit,
    signupLimit: options.signupLimit ?? DEFAULTS.signupLimit,
  }
}

/**
 * Links, the issuer and the verification address must name a host clients can reach. A wildcard
 * host names none, and guessing one (the first interface?) would be wrong as often as right.
 */
export function unnamedHostProblem(host: string, publicUrl: string | undefined): string | null {
  if (!isWildcardHost(host) || publicUrl) return null
  return `--host ${host} listens on every address, so the Console can't tell which one clients reach it at. Add --public-url http://NAME:PORT.`
}
