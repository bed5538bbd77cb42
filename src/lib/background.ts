// Work that must finish before the process exits, even when the command itself was cancelled.
// The one case: a refresh grant already sent. The Console rotates the refresh token as it answers,
// so its answer holds the only copy of the new one; exiting before it is saved would leave a spent
// token on disk, and presenting that again revokes the whole session (reuse detection).
// main() waits for `settled()` after the command, whatever its outcome; a second Ctrl-C still
// exits at once.

export interface Background {
  /** Keeps the process alive until `work` settles (its result and errors are the caller's). */
  add(work: Promise<unknown>): void
  /** Resolves once everything added, and anything added meanwhile, has settled. */
  settled(): Promise<void>
}

export function createBackground(): Background {
  const pending = new Set<Promise<void>>()
  return {
    add(work) {
      const settled: Promise<void> = work.then(
        () => void pending.delete(settled),
        () => void pending.delete(settled),
      )
      pending.add(settled)
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending)
    },
  }
}
