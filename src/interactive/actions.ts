// What the slash commands run: the very flows of `pensar login`, `pensar status`, `pensar logout`
// and `pensar doctor` (one implementation, two front ends), loaded on first use.
import type { Context } from '../context'
import { AuthError } from '../lib/errors'
import type { InteractiveActions } from './repl'
import { checkSessionAtStartup } from './session-check'

export const flowActions: InteractiveActions = {
  checkSession: (ctx) => checkSessionAtStartup(ctx),
  login: loginOrManage,
  status: async (ctx) => (await import('../flows/status/status')).status(ctx, { offline: false }),
  logout: async (ctx) => (await import('../flows/session/logout')).logout(ctx),
  // A failed check ends `pensar doctor` with exit 1 (a SilentError); at the prompt the report
  // has said it all, and runStep takes the error quietly.
  doctor: async (ctx) => (await import('../flows/doctor/doctor')).doctor(ctx),
}

/** Connected: the /login screen (S / B / D / Esc). Not connected, or the session just ended: the device login. */
async function loginOrManage(ctx: Context): Promise<unknown> {
  const [{ readStoredSession }, { connectedScreen }, { SessionExpiredError }] = await Promise.all([
    import('../flows/login/existing-session'),
    import('../flows/login/connected-screen'),
    import('../flows/session/credentials'),
  ])
  const session = readStoredSession(ctx)
  if (session) {
    try {
      return await connectedScreen(ctx, session)
    } catch (error) {
      // Any session the Console no longer accepts: the device login, never "run /login" again.
      if (!(error instanceof AuthError)) throw error
      // An ended session is gone from disk; a rejected one the login flow checks again and names.
      if (error instanceof SessionExpiredError) ctx.ui.warn('Your Pensar Console session has expired; logging in again.')
    }
  }
  return (await import('../flows/login/login')).login(ctx, { openBrowser: true })
}
