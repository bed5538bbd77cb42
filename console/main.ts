// `bun console/main.ts [options]`: run the local Pensar Console until SIGINT/SIGTERM.
import { parseArgs } from 'node:util'
import { DEFAULTS, type ConsoleOptions } from './app.ts'
import { startConsole } from './server.ts'

const USAGE = `Usage: bun console/main.ts [--port ${DEFAULTS.port}] [--host ${DEFAULTS.host}] [--db PATH|:memory:]
  [--access-ttl ${DEFAULTS.accessTtlSeconds}] [--device-ttl ${DEFAULTS.deviceTtlSeconds}] [--interval ${DEFAULTS.intervalSeconds}]
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
  // The control API has no credentials: it approves codes as anyone. Never offer it to a network.
  if (values.dev && values.host !== undefined && !isLoopbackHost(values.host)) {
    throw new UsageError(`--dev (the control API) only listens on loopback, not on "${values.host}". Drop --dev to serve other hosts.`)
  }
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
  }
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
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
