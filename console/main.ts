// `bun console/main.ts [options]`: run the local Pensar Console until SIGINT/SIGTERM.
import { parseArgs } from 'node:util'
import { DEFAULTS, unnamedHostProblem, type ConsoleOptions } from './app.ts'
import { startConsole } from './server.ts'
import { isLoopbackHost } from './lib/addresses.ts'

const USAGE = `Usage: bun console/main.ts [--port ${DEFAULTS.port}] [--host ${DEFAULTS.host}] [--public-url URL] [--trust-proxy]
  [--db PATH|:memory:] [--access-ttl ${DEFAULTS.accessTtlSeconds}] [--device-ttl ${DEFAULTS.deviceTtlSeconds}] [--interval ${DEFAULTS.intervalSeconds}]
  [--device-code-limit ${DEFAULTS.deviceCodeLimit}] [--signup-limit ${DEFAULTS.signupLimit}]
  [--seed demo] [--dev] [--trust-issuer URL] [--legacy-only]`

class UsageError extends Error {}

export function parseConsoleArgs(argv: string[]): ConsoleOptions {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        'access-ttl': { type: 'string' },
        'device-ttl': { type: 'string' },
        interval: { type: 'string' },
        seed: { type: 'string' },
        dev: { type: 'boolean' },
        'trust-issuer': { type: 'string' },
        'legacy-only': { type: 'boolean' },
        'public-url': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'device-code-limit': { type: 'string' },
        'signup-limit': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  if (values.seed !== undefined && values.seed !== 'demo') throw new UsageError(`--seed accepts only "demo", not "${values.seed}".`)
  const publicUrl = originOption('--public-url', values['public-url'])
  refuseWhatANetworkMustNotGet(values, publicUrl)
  const unnamed = values.host === undefined ? null : unnamedHostProblem(values.host, publicUrl)
  if (unnamed) throw new UsageError(unnamed)
  return {
    port: integerOption('--port', values.port, 0, 65535),
    host: values.host,
    db: values.db,
    accessTtlSeconds: integerOption('--access-ttl', values['access-ttl'], 1, 86_400),
    deviceTtlSeconds: numberOption('--device-ttl', values['device-ttl']),
    intervalSeconds: numberOption('--interval', values.interval),
    seed: values.seed as 'demo' | undefined,
    dev: values.dev ?? false,
    trustIssuer: urlOption('--trust-issuer', values['trust-issuer']),
    legacyOnly: values['legacy-only'] ?? false,
    publicUrl,
    trustProxy: values['trust-proxy'] ?? false,
    deviceCodeLimit: integerOption('--device-code-limit', values['device-code-limit'], 1, 1_000_000),
    signupLimit: integerOption('--signup-limit', values['signup-limit'], 1, 1_000_000),
  }
}

// The control API has no credentials (it approves codes as anyone) and the demo user's password is
// "demo": neither is ever offered to a network, directly (a host that is not loopback) or through a
// proxy (--trust-proxy, or a public URL that is not loopback).
function refuseWhatANetworkMustNotGet(values: { host?: string; dev?: boolean; seed?: string; 'trust-proxy'?: boolean }, publicUrl: string | undefined) {
  const network = values.host !== undefined && !isLoopbackHost(values.host) ? `--host ${values.host}`
    : values['trust-proxy'] ? '--trust-proxy'
    : publicUrl && !isLoopbackHost(new URL(publicUrl).hostname) ? `--public-url ${publicUrl}`
    : undefined
  if (!network) return
  if (values.dev) throw new UsageError(`--dev (the control API) is only served on loopback, never with ${network}. Drop --dev to serve a network.`)
  if (values.seed === 'demo') throw new UsageError(`--seed demo (user demo@pensar.local, password "demo") is only served on loopback, never with ${network}.`)
}

/** An http(s) origin (no path, query or fragment), without a trailing slash. */
function originOption(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new UsageError(`${name} must be an http(s) address with no path, like https://console.example.com or http://192.0.2.7:4100, not "${raw}".`)
  }
  return url.origin
}

function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number of seconds, not "${raw}".`)
  return value
}

function integerOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`)
  return value
}

function urlOption(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  try {
    const url = new URL(raw)
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw
  } catch {}
  throw new UsageError(`${name} must be an http(s) URL, not "${raw}".`)
}

async function main() {
  let options: ConsoleOptions
  try {
    options = parseConsoleArgs(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`pensar-console: ${error.message}\n${USAGE}`)
    process.exit(2)
  }
  let running
  try {
    running = await startConsole(options)
  } catch (error) {
    console.error(`pensar-console: could not start: ${(error as Error).message}`)
    process.exit(1)
  }
  const stop = async () => {
    await running.stop()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // Printed last: whoever waits for this line may signal us right away.
  console.log(`Pensar Console listening on ${running.url}`)
}

if (import.meta.main) await main()
