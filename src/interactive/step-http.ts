// The HTTP client a step of the prompt uses: the shared one, with the step's AbortSignal.
import type { Http } from '../lib/http'

/**
 * Every request of the step carries the step's signal unless it brings its own. Listeners the
 * step registers on the shared client are removed when it ends, so a long session does not
 * collect one per command.
 */
export function withSignal(http: Http, signal: AbortSignal): Http & { dispose(): void } {
  const unsubscribers = new Set<() => void>()
  return {
    get: (url, opts) => http.get(url, { ...opts, signal: opts?.signal ?? signal }),
    postJson: (url, body, opts) => http.postJson(url, body, { ...opts, signal: opts?.signal ?? signal }),
    postForm: (url, form, opts) => http.postForm(url, form, { ...opts, signal: opts?.signal ?? signal }),
    postStream: (url, body, opts) => http.postStream(url, body, { ...opts, signal: opts?.signal ?? signal }),
    onServerDate(listener) {
      const unsubscribe = http.onServerDate(listener)
      unsubscribers.add(unsubscribe)
      return () => {
        unsubscribers.delete(unsubscribe)
        unsubscribe()
      }
    },
    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe()
      unsubscribers.clear()
    },
  }
}
