// The human form of `pensar doctor`: one line per check (✓ ok, ! warning, ✗ failure), the fix
// hint indented under it, then a one-line verdict.
import type { Context } from '../../context'
import type { CheckResult, CheckStatus } from './check'

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' }
const LABEL: Record<string, string> = {
  home: 'PENSAR_HOME',
  files: 'Stored files',
  keychain: 'Keychain',
  'refresh-lock': 'Refresh lock',
  browser: 'Browser',
  proxy: 'Proxy',
  ca: 'CA certificates',
  api: 'API',
  clock: 'Clock',
  session: 'Session',
}

export function renderDoctor(ctx: Context, report: { ok: boolean; checks: CheckResult[] }, apiUrl: string): void {
  const lines = report.checks.flatMap((c) => [`${MARK[c.status]} ${LABEL[c.id] ?? c.id}: ${c.message}`, ...(c.hint && c.status !== 'ok' ? [`    ${c.hint}`] : [])])
  ctx.ui.info([`Checking what a login to ${apiUrl} needs:`, ...lines])
  const failed = report.checks.filter((c) => c.status === 'fail').length
  const warned = report.checks.filter((c) => c.status === 'warn').length
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  if (failed) ctx.ui.error(`${count(failed, 'check')} failed${warned ? `, ${count(warned, 'warning')}` : ''}: a login would not work until that is fixed.`)
  else if (warned) ctx.ui.warn(`No failures, ${count(warned, 'warning')}.`)
  else ctx.ui.success('Everything a login needs is in place.')
}
