// What the slash commands run: the very flows of `pensar login`, `pensar status` and
// `pensar logout` (one implementation, two front ends), loaded on first use.
import type { InteractiveActions } from './repl'
import { checkSessionAtStartup } from './session-check'

export const flowActions: InteractiveActions = {
  checkSession: (ctx) => checkSessionAtStartup(ctx),

  /** Connected: the /login screen (S / B / D / Esc). Not connected: the device login. */
  async login(ctx) {
    const { readStoredSession } = await import('../flows/existing-session')
    const session = readStoredSession(ctx)
    if (session) return (await import('../flows/connected-screen')).connectedScreen(ctx, session)
    return (await import('../flows/login')).login(ctx, { openBrowser: true })
  },

  async status(ctx) {
    throw new Error('status: waiting for src/flows/status.ts')
  },

  async logout(ctx) {
    return (await import('../flows/existing-session')).disconnect(ctx)
  },
}
