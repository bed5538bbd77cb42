// Stretches of a story that several scenarios share.
import { expect } from 'bun:test'
import { approve, openVerificationUrl, signIn } from './person'
import type { Scenario } from './scenario'
import { CODE_SHOWN, userCodeOn } from './screen-text'
import type { Terminal } from './terminal'

export const WAIT_MS = 30_000
export const PASSWORD = 'correct-horse-battery'

/** `pensar login`; the person signs in on the page the CLI opened and approves. Returns the still-running terminal. */
export async function loginApprovedInBrowser(s: Scenario, email: string, password = PASSWORD): Promise<Terminal> {
  const nth = s.opener.opened().length + 1
  const term = await s.terminal(['login'])
  const code = userCodeOn(await term.waitFor(CODE_SHOWN, WAIT_MS))
  await openVerificationUrl(s.page, await s.opener.waitForUrl(nth, WAIT_MS))
  await signIn(s.page, email, password)
  await approve(s.page, code)
  return term
}

/** A finished login to a workspace with billing ready (no prompt after approval). */
export async function logIn(s: Scenario, email: string, password = PASSWORD): Promise<void> {
  const term = await loginApprovedInBrowser(s, email, password)
  await term.waitFor(`Logged in as ${email}`, WAIT_MS)
  expect(await term.exitCode()).toBe(0)
  s.close(term)
}
