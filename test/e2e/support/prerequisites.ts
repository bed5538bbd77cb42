// The suite needs tmux (the terminal) and Chromium (the person's browser). On a developer's
// machine without them it is skipped with a clear message; under CI their absence is a failure,
// so a CI image that lost a package cannot pass by skipping the end-to-end checks.
import { describe, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { CHROMIUM } from './browser'

export function missingTools(): string[] {
  const missing: string[] = []
  if (!Bun.which('tmux')) missing.push('tmux')
  if (!existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`)
  return missing
}

function isCI(): boolean {
  const ci = process.env.CI?.trim().toLowerCase()
  return !!ci && ci !== 'false' && ci !== '0'
}

/** `describe`, or a skip (locally) / a failing test (under CI) when tmux or Chromium is missing. */
export function describeE2E(name: string, body: () => void): void {
  const missing = missingTools()
  if (missing.length === 0) return void describe(name, body)
  const message = `end-to-end suite "${name}" needs ${missing.join(' and ')}: install it (apt-get install -y chromium tmux)`
  if (isCI()) {
    describe(name, () => {
      test('has tmux and Chromium installed', () => {
        throw new Error(`${message}; CI must not skip the end-to-end suite`)
      })
    })
    return
  }
  console.warn(`SKIPPED ${message} (set CI=true to make this a failure)`)
  describe.skip(name, body)
}
