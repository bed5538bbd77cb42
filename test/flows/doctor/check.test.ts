import { describe, expect, test } from 'bun:test'
import { runCheck } from '../../../src/flows/doctor/check'
import type { Log } from '../../../src/lib/log'

const crash = () => {
  throw new Error('boom at psk_live_0123456789abcdef0123456789abcdef')
}

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = []
  return { enabled: true, lines, debug: (message) => lines.push(message) }
}

describe('runCheck', () => {
  test('a check that throws is a failed line asking for --debug when it is off', async () => {
    const result = await runCheck('api', crash)
    expect(result).toMatchObject({ id: 'api', status: 'fail' })
    expect(result.message).toStartWith('The check itself failed: boom at ')
    expect(result.message).not.toContain('psk_live_0123456789abcdef0123456789abcdef')
    expect(result.hint).toBe('Run again with --debug and report it if it keeps happening.')
  })

  test('with --debug on, the error goes to the debug log and the hint points there', async () => {
    const log = recordingLog()
    const result = await runCheck('api', crash, log)
    expect(result.status).toBe('fail')
    expect(result.hint).toBe('The debug log above has the details; report it if it keeps happening.')
    expect(log.lines.join('\n')).toContain('check api failed: ')
    expect(log.lines.join('\n')).toContain('boom at')
  })

  test('a check still running at its deadline is reported as such', async () => {
    const result = await runCheck('home', () => new Promise(() => {}), undefined, 20)
    expect(result).toMatchObject({ id: 'home', status: 'fail', message: 'The check did not finish within 0.02 s.' })
  })
})
