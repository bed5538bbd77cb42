// What must not be left behind even when the process exits at once (a second Ctrl-C or signal,
// main.ts): the refresh lock this process holds and its disk reserve. Each is registered while it
// exists; main runs the hooks just before such an exit. Work in flight is lost then, but the
// next command finds no lock to wait for and no reserve taking disk space.
const hooks = new Set<() => void>()

/** Registers `hook`; call the returned function once the thing it cleans up is gone. */
export function onHardExit(hook: () => void): () => void {
  hooks.add(hook)
  return () => void hooks.delete(hook)
}

export function runHardExitHooks(): void {
  for (const hook of [...hooks]) {
    try {
      hook()
    } catch {
      // Exiting anyway: what a hook could not remove, the next command sweeps.
    }
  }
  hooks.clear()
}
