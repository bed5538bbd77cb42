// Waiting for something another process does (a file, a server counter, the clock), by polling
// a condition against a deadline: never a sleep that guesses how long it takes.
import { readFileSync } from 'node:fs'

/** Polls a condition until it holds, failing clearly after a deadline (`what` may say what was seen). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`)
    await Bun.sleep(20)
  }
}

/** Waits, on the wall clock, until an access token's JWT `exp` has passed (plus a second: `exp` is whole seconds). */
export async function untilJwtExpired(accessToken: string): Promise<void> {
  const exp = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).exp as number
  while (Date.now() < exp * 1000 + 1_100) await Bun.sleep(50)
}

/**
 * Waits until process `pid` no longer runs (gone, or a zombie its parent has not reaped yet). On a
 * timeout it is killed before the test fails, so a failure never leaves it running.
 */
export async function untilProcessEnded(pid: number, what: string, timeoutMs = 10_000): Promise<void> {
  const running = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    } catch {
      return false // gone, possibly between two looks
    }
  }
  try {
    await waitUntil(() => !running(), what, timeoutMs)
  } finally {
    if (running()) process.kill(pid, 'SIGKILL')
  }
}
