// Time as an effect: flows wait and read the time only through this, so a test can run a
// ten-minute device-code lifetime in milliseconds.
import { cancelledFrom } from './errors'

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms`; rejects with the signal's reason (a CancelledError) when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A signal that aborts (with a TimeoutError) once `ms` have passed: a deadline. */
  timeout(ms: number): AbortSignal
}

export const systemClock: Clock = {
  now: () => Date.now(),
  timeout: (ms) => AbortSignal.timeout(ms),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(cancelledFrom(signal))
      const onAbort = () => {
        clearTimeout(timer)
        reject(cancelledFrom(signal!))
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, Math.max(0, ms))
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  },
}
