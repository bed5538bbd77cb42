// `pensar login --with-api-key`: a key read from stdin (never from the command
// line, where `ps` and shell history would see it), trimmed, validated at the Console
// (GET /auth/validate), then stored 0600 with its workspace. A browser login it replaces is revoked.
// It is a login like the browser one: the same `workspace_selected`, `warning` and `logged_in`
// events, the same billing warnings, and B for the billing page when a person watches.
import { apiUrlFor, type Context } from '../../context'
import { envApiKey } from '../../lib/env-api-key'
import { UsageError } from '../../lib/errors'
import { withSessionLock } from '../session/session-lock'
import { validateApiKey } from '../session/validate-api-key'
import { announceWorkspace } from '../workspace/announce-workspace'
import { fetchConsoleUrl } from '../workspace/console-url'
import { announceLogin } from './announce'
import { checkLoginCanBeSaved, readReplacedSession, revokePreviousSession } from './persist-login'
import { checkApiKeyShape } from '../session/credentials'

export interface KeyInput {
  /** True when stdin is a terminal: then there is nothing piped in to read. */
  isTTY: boolean
  readAll(): Promise<string>
}

export async function loginWithApiKey(ctx: Context, input: KeyInput): Promise<void> {
  const apiKey = await readKey(input)
  await checkLoginCanBeSaved(ctx)
  const apiUrl = apiUrlFor(ctx)
  const info = await validateApiKey(ctx, apiUrl, apiKey, { from: 'the API key read from stdin' })
  // The key's validation names no Console address; the billing page and `pensar open` need it.
  const consoleUrl = await fetchConsoleUrl(ctx, apiUrl)
  // stdin held the key, so the keys a person presses (B) come from the terminal itself.
  const shown = await withKeyboard(ctx)
  await announceWorkspace(shown, { workspace: info.workspace, billing: info.billing }, consoleUrl)
  // Under the lock, as every writer of credentials: a refresh in another process must not write its tokens over the key.
  const previous = await withSessionLock(ctx, async () => {
    const replaced = await readReplacedSession(ctx)
    await ctx.store.saveSession({
      config: { apiUrl, authType: 'api-key', user: info.user, workspace: info.workspace, lastWorkspaceId: info.workspace.id, consoleUrl, gatewayUrl: info.gatewayUrl },
      auth: { authType: 'api-key', apiKey, signingKey: info.signingKey },
    })
    return replaced
  })
  announceLogin(shown, { apiUrl, authType: 'api-key', user: info.user }, { workspace: info.workspace, billing: info.billing })
  if (envApiKey(ctx.env.vars)) shown.ui.warn('PENSAR_API_KEY is set in your environment and overrides the stored key while it is set.')
  // A browser login this key replaces is ended at the Console too, as `pensar logout` would.
  await revokePreviousSession(ctx, previous)
}

async function withKeyboard(ctx: Context): Promise<Context> {
  if (ctx.ui.interactive) return ctx
  const ui = await ctx.keyboardUi?.()
  return ui ? { ...ctx, ui } : ctx
}

async function readKey(input: KeyInput): Promise<string> {
  if (input.isTTY) {
    throw new UsageError('--with-api-key reads the key from stdin, and stdin is a terminal.', {
      hint: 'Pipe the key in, e.g. `pensar login --with-api-key < key.txt` or `printenv MY_KEY | pensar login --with-api-key`.',
    })
  }
  const key = (await input.readAll()).trim()
  if (!key) throw new UsageError('No API key on stdin.', { hint: 'Pipe the key in, e.g. `pensar login --with-api-key < key.txt`.' })
  return checkApiKeyShape(key, 'stdin')
}
