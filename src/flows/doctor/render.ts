// The human form of `pensar doctor`, on stdout (a report): one line per check, `✓` fine, `!` a
// warning, `✗` a failure, each also said in words ("(warning)", "(failed)") so nothing is lost
// without colour; the fix hint indented under it; then a one-line verdict.
import type { Context } from '../../context'
import type { Line, Tone } from '../../ui/ui'
import type { CheckResult, CheckStatus } from './check'

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' }
const WORD: Record<CheckStatus, string> = { ok: '', warn: ' (warning)', fail: ' (failed)' }
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
  const lines: Line[] = [`Console: ${apiUrl}`, ...report.checks.flatMap(checkLines)]
  const failed = report.checks.filter((c) => c.status === 'fail').length
  const warned = report.checks.filter((c) => c.status === 'warn').length
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  const verdict: { tone: Tone; text: string } = failed
    ? { tone: 'fail', text: `${count(failed, 'check')} failed${warned ? `, ${count(warned, 'warning')}` : ''}: a login would not work until that is fixed.` }
    : warned
      ? { tone: 'warn', text: `No failures, ${count(warned, 'warning')}.` }
      : { tone: 'ok', text: 'Everything a login needs is in place.' }
  ctx.ui.report({ title: 'What a login needs', lines, verdict })
}

function checkLines(c: CheckResult): Line[] {
  const tone: Tone = c.status
  const head = { text: `${MARK[c.status]} ${LABEL[c.id] ?? c.id}${WORD[c.status]}: ${c.message}`, tone }
  return c.hint && c.status !== 'ok' ? [head, `    ${c.hint}`] : [head]
}
