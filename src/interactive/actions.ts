// What the slash commands and questions run: the very flows of `pensar login`, `pensar status`,
// `pensar usage`, `pensar logout`, `pensar doctor` and `pensar ask` (one implementation, two front
// ends), loaded on first use.
import type { Context } from '../context'
import { AuthError } from '../lib/errors'
import { columnsOf } from '../ui/fit'
import type { InteractiveActions, Question } from './repl'
import { checkSessionAtStartup } from './session-check'

export const flowActions: InteractiveActions = {
  checkSession: (ctx) => checkSessionAtStartup(ctx),
  login: loginOrManage,
  status: async (ctx) => (await import('../flows/status/status')).status(ctx, { offline: false }),
  usage: async (ctx) => (await import('../flows/usage/usage')).usage(ctx, {}),
  logout: async (ctx) => (await import('../flows/session/logout')).logout(ctx),
  // A failed check ends `pensar doctor` with exit 1 (a SilentError); at the prompt the report
  // has said it all, and runStep takes the error quietly.
  doctor: async (ctx) => (await import('../flows/doctor/doctor')).doctor(ctx),
  ask: askTheModel,
}

/** A question: its answer streams onto the prompt's terminal; Esc or Ctrl-C mid-answer keeps what came. */
async function askTheModel(ctx: Context, question: Question): Promise<unknown> {
  const { ask, AnswerStoppedError } = await import('../flows/ask/ask')
  const output = { write: (text: string) => void question.output.write(text), isTerminal: true, columns: columnsOf(question.output) }
  try {
    return await ask(ctx, { prompt: question.text }, question.conversation, output)
  } catch (error) {
    if (!(error instanceof AnswerStoppedError)) throw error
    ctx.ui.info('Answer stopped.')
    return undefined
  }
}

/** Connected: the /login screen (S / B / D / Esc). Not connected, or the session just ended: the device login. */
async function loginOrManage(ctx: Context): Promise<unknown> {
  const [{ readStoredSession }, { connectedScreen }, { SessionExpiredError }] = await Promise.all([
    import('../flows/login/existing-session'),
    import('../flows/login/connected-screen'),
    import('../flows/session/credentials'),
  ])
  const session = await readStoredSession(ctx)
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
