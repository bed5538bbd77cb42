// One line of `pensar doctor`: what was checked, how it went, and what to do about it.
import { CancelledError } from '../../lib/errors'
import { stackForDebug } from '../../lib/debug-stack'
import { silentLog, type Log } from '../../lib/log'
import { redactText } from '../../lib/redact'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface CheckResult {
  id: string
  status: CheckStatus
  message: string
  hint?: string
}

export const ok = (id: string, message: string): CheckResult => ({ id, status: 'ok', message })
export const warn = (id: string, message: string, hint?: string): CheckResult => ({ id, status: 'warn', message, ...(hint ? { hint } : {}) })
export const fail = (id: string, message: string, hint?: string): CheckResult => ({ id, status: 'fail', message, ...(hint ? { hint } : {}) })

/** No single check may hold the report up: the network one has its own 3 s budget inside this. */
export const CHECK_DEADLINE_MS = 5_000

/**
 * Runs one check. A check that throws becomes a failed line rather than ending the report, and
 * one that is still running after `deadlineMs` (a hung file system) is reported as such.
 */
export async function runCheck(id: string, check: () => CheckResult | Promise<CheckResult>, log: Log = silentLog, deadlineMs = CHECK_DEADLINE_MS): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(fail(id, `The check did not finish within ${deadlineMs / 1000} s.`)), deadlineMs)
  })
  try {
    return redacted(await Promise.race([Promise.resolve().then(check), deadline]))
  } catch (error) {
    if (error instanceof CancelledError) throw error // Ctrl-C ends the whole report (exit 130)
    const [first, ...frames] = stackForDebug(error)
    log.debug(`check ${id} failed: ${first}`)
    for (const frame of frames) log.debug(frame)
    const hint = log.enabled ? 'The debug log above has the details; report it if it keeps happening.' : 'Run again with --debug and report it if it keeps happening.'
    return redacted(fail(id, `The check itself failed: ${error instanceof Error ? error.message : String(error)}`, hint))
  } finally {
    clearTimeout(timer)
  }
}

function redacted(result: CheckResult): CheckResult {
  return { ...result, message: redactText(result.message), ...(result.hint ? { hint: redactText(result.hint) } : {}) }
}
