import { describe, expect, test } from 'bun:test'
import { createDebugLog } from '../../src/lib/debug-log'

function logged(fancy: boolean, messages: string[]): string[] {
  const lines: string[] = []
  const log = createDebugLog({ write: (text) => lines.push(text), fancy })
  for (const message of messages) log.debug(message)
  return lines
}

describe('the --debug log (consola)', () => {
  test('plain (CI, pipes): one `[debug]` line per message, redacted, through the writer it was given', () => {
    const lines = logged(false, ['→ POST https://api.test/token device_code=dc_supersecret0123456789', 'poll again'])
    expect(lines).toEqual(['[debug] → POST https://api.test/token device_code=[redacted]\n', '[debug] poll again\n'])
  })

  test('the same message many times is logged every time, never folded into "(repeated n times)"', () => {
    expect(logged(false, Array(8).fill('→ POST https://api.test/token'))).toHaveLength(8)
  })

  test('on a terminal: consola\'s fancy form, still redacted', () => {
    const [line] = logged(true, ['token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.sig'])
    expect(line).not.toContain('[debug]')
    expect(line).toContain('token [redacted]')
  })
})
