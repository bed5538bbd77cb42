// `pensar doctor` (also `pensar login doctor`, `pensar auth doctor`): why would a login fail
// here? Local checks first, then the Console, each one line; `--json` prints one object
// `{ ok, checks }`. Exit 0 when nothing failed (warnings allowed), 1 otherwise. Changes nothing:
// no file is written, created or moved, and no token is refreshed (the keychain check may write
// and at once delete a probe entry, to tell a locked keyring from a missing entry).
import type { Context } from '../../context'
import { checkApiUrlValue } from '../../lib/api-url'
import { EXIT, SilentError } from '../../lib/errors'
import { createServerClock, serverClockFor } from '../../lib/server-clock'
import { createSystemProbes, type SystemProbes } from '../../lib/system-probes'
import type { JsonEvent } from '../../ui/ui'
import { ok, runCheck, warn, type CheckResult } from './check'
import { checkBrowser, checkCustomCa, checkProxy } from './environment'
import { checkHome, checkRefreshLock, checkStoredFiles, type StoredFiles } from './files'
import { checkKeychain, type KeychainProbe } from './keychain'
import { renderDoctor } from './render'
import { API_BUDGET_MS, checkApi, checkClock, checkSession, type ApiProbe } from './server'

export interface DoctorOptions {
  /** The API check's budget (tests shorten it). */
  apiBudgetMs?: number
}

export interface DoctorReport {
  ok: boolean
  checks: CheckResult[]
}

export async function doctor(ctx: Context, opts: DoctorOptions = {}, probes?: SystemProbes): Promise<DoctorReport> {
  const { report, apiUrl } = await runDoctorChecks(ctx, opts, probes)
  if (ctx.env.json) ctx.ui.emit(report as unknown as JsonEvent)
  else renderDoctor(ctx, report, apiUrl)
  if (!report.ok) throw new SilentError(EXIT.error)
  return report
}

/** Every check, in order, without printing anything. */
export async function runDoctorChecks(ctx: Context, opts: DoctorOptions = {}, probes: SystemProbes = createSystemProbes(ctx.env.vars)): Promise<{ report: DoctorReport; apiUrl: string }> {
  const checks: CheckResult[] = []
  const add = async (id: string, check: () => CheckResult | Promise<CheckResult>) => {
    checks.push(await runCheck(id, check, ctx.log))
  }
  await add('home', () => checkHome(ctx, probes))
  let files: StoredFiles = { readable: false }
  await add('files', async () => {
    const outcome = await checkStoredFiles(ctx, probes)
    files = outcome.files
    return outcome.result
  })
  let keychain: KeychainProbe = { result: ok('keychain', ''), sessionUnreadable: false }
  await add('keychain', async () => (keychain = await checkKeychain(ctx, files.config)).result)
  await add('refresh-lock', () => checkRefreshLock(ctx, probes))
  const apiUrl = apiUrlOf(ctx, files)
  // Created before the API call, so it learns the server's time from that answer's Date header.
  const serverClock = files.readable ? serverClockFor(ctx) : createServerClock(() => ctx.clock.now())
  await add('browser', () => checkBrowser(ctx, probes))
  await add('proxy', () => checkProxy(ctx, apiUrl))
  await add('ca', () => checkCustomCa(ctx, probes))
  let api: ApiProbe = { result: warn('api', 'Not checked.'), answered: false }
  await add('api', async () => (api = await checkApi(ctx, apiUrl, opts.apiBudgetMs ?? API_BUDGET_MS)).result)
  await add('clock', () => checkClock(api))
  await add('session', () => (!files.readable ? warn('session', 'Not checked: the stored files cannot be read (see above).') : keychain.sessionUnreadable ? warn('session', 'Not checked: the keychain cannot be read (see above).') : checkSession(ctx, serverClock)))
  return { report: { ok: checks.every((c) => c.status !== 'fail'), checks }, apiUrl }
}

/** As `apiUrlFor`, but never through the store when a file is damaged (reading one moves it aside). */
function apiUrlOf(ctx: Context, files: StoredFiles): string {
  const stored = files.readable ? files.config?.apiUrl : undefined
  if (ctx.env.apiUrlExplicit || typeof stored !== 'string') return ctx.env.apiUrl
  const checked = checkApiUrlValue(stored)
  return checked.ok ? checked.url : ctx.env.apiUrl
}
