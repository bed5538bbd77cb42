// `bun run bench [--runs N] [--check] [--only …]`: builds pensar and the floor with the same
// flags, measures start-up, memory, size, refresh contention, login latency and what the OS
// keychain costs against the floor, and the size of each release archive beside its binary, and
// writes bench/RESULTS.md. Scratch goes to bench/.work/ (git-ignored). `--check` exits 1 when a
// target fails; `--only startup,contention,login,keychain,archives` runs a subset (RESULTS.md then
// holds only that subset).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { measureArchiveSizes } from './archive-sizes'
import { buildBinaries, type Binaries } from './build-binaries'
import { secretServiceInstalled, startSecretService, type SecretService } from '../test/helpers/secret-service'
import { measureContention } from './contention'
import { buildKeychainProbe, keychainChecks, measureKeychain, type KeychainHomes } from './keychain'
import { startLocalConsole, type LocalConsole } from './local-console'
import { measureLoginLatency } from './login-latency'
import { loginWithBinary } from './login-with-binary'
import { describeMachine } from './machine'
import { renderResults, type BenchReport } from './results-markdown'
import { measureStartup, startupCases } from './startup'
import { contentionChecks, downloadCheck, loginCheck, notMeasured, sizeCheck, startupChecks } from './targets'

const BENCH_DIR = import.meta.dir
const WORK_DIR = join(BENCH_DIR, '.work', 'run')
const POLL_INTERVAL_SEC = 1
/** Short, because each contention round waits for the token to expire for real. */
const ACCESS_TTL_SEC = 3

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    'contention-rounds': { type: 'string', default: '20' },
    'login-runs': { type: 'string', default: '20' },
    processes: { type: 'string', default: '20' },
    check: { type: 'boolean', default: false },
    /** Comma-separated subset while working on one thing: startup, contention, login, keychain, archives. */
    only: { type: 'string' },
  },
})
// The benchmark's own requests go to the local Console: keep them off any configured proxy.
process.env.NO_PROXY = [process.env.NO_PROXY, '127.0.0.1', 'localhost'].filter(Boolean).join(',')

const wanted = (name: string) => !flags.only || flags.only.split(',').includes(name)

const report: BenchReport = { machine: describeMachine(), checks: [], notes: [] }
rmSync(WORK_DIR, { recursive: true, force: true })
mkdirSync(WORK_DIR, { recursive: true })

const step = (text: string) => console.error(`bench: ${text}`)

step('building pensar and the floor')
const bin: Binaries = await buildBinaries(WORK_DIR)
report.binaries = bin
report.checks.push(sizeCheck(bin))

let console_: LocalConsole | undefined
if (existsSync(resolve(BENCH_DIR, '../console/main.ts'))) {
  step('starting a local Console')
  console_ = await startLocalConsole(['--interval', String(POLL_INTERVAL_SEC), '--access-ttl', String(ACCESS_TTL_SEC)])
} else {
  report.notes.push('console/main.ts does not exist yet: items 4 and 5 and the logged-in start-up case were skipped.')
}

let keyring: SecretService | undefined
let tokenConsole: LocalConsole | undefined
try {
  const loggedIn = console_ ? await loggedInHome(console_) : undefined
  const secondHome = console_ && loggedIn && wanted('contention') ? await loggedInHome(console_) : undefined
  let keychainHomes: KeychainHomes | undefined
  if (console_ && (wanted('startup') || wanted('keychain'))) {
    if (!secretServiceInstalled()) report.notes.push('gnome-keyring, dbus-run-session or secret-tool is missing (`.ci/run` installs them): the keychain cases were skipped.')
    else {
      step('starting a Secret Service (gnome-keyring) and logging in with each store')
      keyring = await startSecretService('unlocked')
      // Tokens that stay valid through the measurement: `login token` must not renew.
      tokenConsole = await startLocalConsole(['--interval', String(POLL_INTERVAL_SEC), '--access-ttl', '3600'])
      const file = await loggedInHome(tokenConsole)
      const keychain = await loggedInHome(tokenConsole, { PENSAR_CREDENTIAL_STORE: 'keychain', ...keyring.env })
      if (file && keychain) keychainHomes = { file, keychain, apiUrl: tokenConsole.url, bus: keyring.env }
    }
  }
  if (wanted('archives')) await section('release archives', async () => {
    report.archives = await measureArchiveSizes(WORK_DIR)
    report.checks.push(downloadCheck(report.archives))
  })
  if (wanted('startup')) await section('start-up and peak RSS', async () => {
    const loggedOut = mkdtempSync(join(WORK_DIR, 'home-logged-out-'))
    const keychain = keychainHomes && { home: keychainHomes.keychain, bus: keychainHomes.bus }
    report.startup = measureStartup(startupCases(bin, { loggedIn, loggedOut, keychain }), Number(flags.runs))
    report.checks.push(...startupChecks(report.startup))
  })
  if (wanted('keychain')) await section('the OS keychain', async () => {
    if (!keychainHomes) throw new Error('no keychain session (see notes)')
    const probe = await buildKeychainProbe(WORK_DIR)
    report.keychain = measureKeychain(bin.pensar, probe, keychainHomes, Number(flags.runs))
    report.checks.push(...keychainChecks(report.keychain))
  })
  if (console_ && loggedIn) {
    const c = console_
    if (secondHome) await section('refresh under contention', async () => {
      report.contention = await measureContention({ pensar: bin.pensar, floor: bin.floor, homes: { single: loggedIn, crowd: secondHome }, console: c, processes: Number(flags.processes), rounds: Number(flags['contention-rounds']) })
      report.checks.push(...contentionChecks(report.contention))
    })
    if (wanted('login')) await section('login latency', async () => {
      report.login = await measureLoginLatency({ pensar: bin.pensar, console: c, intervalMs: POLL_INTERVAL_SEC * 1000, runs: Number(flags['login-runs']), workDir: WORK_DIR })
      report.checks.push(loginCheck(report.login))
    })
  } else {
    report.checks.push(notMeasured('refresh under contention', 'no logged-in home (see notes)'), notMeasured('login latency', 'no local Console (see notes)'))
  }
} finally {
  await console_?.stop()
  await tokenConsole?.stop()
  await keyring?.stop()
}

const outFile = join(BENCH_DIR, 'RESULTS.md')
writeFileSync(outFile, renderResults(report))
for (const c of report.checks) console.log(`${c.pass === null ? 'SKIP' : c.pass ? 'PASS' : 'FAIL'}  ${c.target}: ${c.measured}`)
console.log(`wrote ${outFile}`)
if (flags.check && report.checks.some((c) => c.pass === false)) process.exit(1)

/** A failing section is written down and the others still run. */
async function section(name: string, run: () => Promise<void>): Promise<void> {
  step(name)
  try {
    await run()
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n').slice(0, 6).join(' ') : String(error)
    report.checks.push(notMeasured(name, reason))
    report.notes.push(`${name} failed: ${reason}`)
  }
}

async function loggedInHome(c: LocalConsole, env?: Record<string, string>): Promise<string | undefined> {
  const home = mkdtempSync(join(WORK_DIR, 'home-logged-in-'))
  try {
    await loginWithBinary({ pensar: bin.pensar, home, console: c, env })
    return home
  } catch (error) {
    report.notes.push(`Could not log in with the binary, so the logged-in cases were skipped: ${(error as Error).message.split('\n')[0]}`)
    return undefined
  }
}
