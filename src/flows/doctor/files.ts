// `pensar doctor`, on disk: the PENSAR_HOME folder and its modes, whether the stored files
// parse, and a leftover refresh lock. Read-only: the store would move a corrupt file aside, so
// these read the raw text themselves.
import { join } from 'node:path'
import type { Context } from '../../context'
import { errorCode, PensarError } from '../../lib/errors'
import { LOCK_STALE_AFTER_MS, octal } from '../../lib/home-files'
import { LOCK_FILE_NAME } from '../../lib/refresh-lock'
import { parseJson, parseJsonObject } from '../../lib/json-file'
import type { SystemProbes } from '../../lib/system-probes'
import { formatDuration } from '../../ui/ui'
import { fail, ok, warn, type CheckResult } from './check'
import { readCredentials } from '../session/credentials'

export function checkHome(ctx: Context, probes: SystemProbes): CheckResult {
  const home = ctx.env.home
  const info = probes.stat(home)
  if (!info) {
    const parent = probes.nearestExisting(home)
    if (probes.writable(parent)) return ok('home', `${home} does not exist yet; \`pensar login\` creates it (mode 0700).`)
    return fail('home', `${home} does not exist and cannot be created: ${parent} is not writable.`, 'Point PENSAR_HOME at a folder you can write to.')
  }
  if (!info.isDirectory) return fail('home', `${home} is not a folder.`, 'Move that file away, or point PENSAR_HOME at a folder.')
  if (!probes.writable(home)) return fail('home', `${home} is not writable, so a login cannot be saved.`, `Fix its owner or mode (chmod 700 ${home}), or point PENSAR_HOME elsewhere.`)
  if (probes.platform === 'win32') return ok('home', `${home} exists and is writable.`)
  const auth = join(home, 'auth.json')
  const authInfo = probes.stat(auth)
  const looseHome = looseMode(home, info.mode, 0o700)
  const looseAuth = looseMode(auth, authInfo?.mode, 0o600)
  const loose = [looseHome, looseAuth].filter((s): s is string => s !== null)
  if (loose.length) {
    const fixes = [looseHome ? `chmod 700 ${home}` : '', looseAuth ? `chmod 600 ${auth}` : ''].filter(Boolean).join(' && ')
    const why = looseHome ? ' (pensar does not change the mode of a folder it did not create), or point PENSAR_HOME at a private folder' : ' (pensar also does at its next save)'
    return warn('home', `Others can use your credentials' folder or file: ${loose.join(', ')}.`, `Run ${fixes}${why}.`)
  }
  return ok('home', `${home} exists, mode 0700${authInfo ? '; auth.json 0600' : ''}.`)
}

/** `auth.json is 0644 (should be 0600)` when group or others have any access; null when fine. */
function looseMode(path: string, mode: number | undefined, wanted: number): string | null {
  if (mode === undefined || (mode & 0o077) === 0) return null
  return `${path} is ${octal(mode)} (should be ${octal(wanted)})`
}

export interface StoredFiles {
  /** Both files are absent or parse: the store can be read without side effects. */
  readable: boolean
  /** config.json as parsed here, when it parses (even if auth.json does not). */
  config?: Record<string, unknown>
}

export async function checkStoredFiles(ctx: Context, probes: SystemProbes): Promise<{ result: CheckResult; files: StoredFiles }> {
  const problems: string[] = []
  const parsed: Record<string, Record<string, unknown> | undefined> = {}
  for (const name of ['config.json', 'auth.json']) {
    const path = join(ctx.env.home, name)
    try {
      const text = probes.readText(path)
      if (text === null) continue
      const value = parseJson(text)
      if (value.ok) parsed[name] = value.value
      else problems.push(`${path} is not usable (${value.problem}); the next pensar command moves it aside and you are logged out`)
    } catch (error) {
      problems.push(`${path} cannot be read (${errorCode(error) ?? String(error)})`)
    }
  }
  if (problems.length) return { result: fail('files', `${problems.join('; ')}.`, "Run `pensar login` to write fresh files (or fix the file's owner and mode)."), files: { readable: false, config: parsed['config.json'] } }
  const damage = await authFieldProblem(ctx)
  const files = { readable: true, config: parsed['config.json'] }
  if (damage) return { result: fail('files', damage.message, damage.hint), files }
  const present = Object.keys(parsed)
  return { result: ok('files', present.length ? `${present.join(' and ')} ${present.length > 1 ? 'parse' : 'parses'}.` : 'No stored files yet.'), files }
}

/** A hand-edited auth.json with a wrong-typed field (the check the session code does); the keychain's document is the keychain check's. */
async function authFieldProblem(ctx: Context): Promise<PensarError | null> {
  if (ctx.store.credentialsPlace().backend === 'keychain') return null
  try {
    await readCredentials({ env: { ...ctx.env, vars: {} }, store: ctx.store })
    return null
  } catch (error) {
    if (error instanceof PensarError) return error
    throw error
  }
}

export function checkRefreshLock(ctx: Context, probes: SystemProbes): CheckResult {
  const path = join(ctx.env.home, LOCK_FILE_NAME)
  const text = probes.readText(path)
  if (text === null) return ok('refresh-lock', 'No refresh lock is held.')
  const holder = (parseJsonObject(text) ?? {}) as { pid?: unknown; host?: unknown; createdAt?: unknown }
  const removeHint = `It is removed on the next refresh; to remove it now: rm ${path}`
  if (typeof holder.pid !== 'number' || typeof holder.host !== 'string' || typeof holder.createdAt !== 'number') {
    return warn('refresh-lock', `${path} is left over and unreadable.`, removeHint)
  }
  const age = formatDuration(Math.max(0, ctx.clock.now() - holder.createdAt))
  const stale = ctx.clock.now() - holder.createdAt > LOCK_STALE_AFTER_MS
  if (holder.host !== probes.hostname()) {
    const where = `held by a pensar process on ${holder.host} for ${age} (is PENSAR_HOME shared between computers?)`
    return stale ? warn('refresh-lock', `A stale refresh lock is ${where}.`, removeHint) : ok('refresh-lock', `The refresh lock is ${where}.`)
  }
  if (!probes.isProcessAlive(holder.pid)) return warn('refresh-lock', `A refresh lock is left over from pensar process ${holder.pid}, which is no longer running (${age} old).`, removeHint)
  if (stale) return warn('refresh-lock', `Process ${holder.pid} has held the refresh lock for ${age}; others treat it as stale.`, `If that process is stuck, stop it (kill ${holder.pid}).`)
  return ok('refresh-lock', `Process ${holder.pid} is renewing the session right now (lock held for ${age}).`)
}
