// `pensar login --with-api-key`: a key read from stdin (never from the command
// line, where `ps` and shell history would see it), trimmed, validated at the Console
// (GET /auth/validate), then stored 0600 with its workspace. A browser login it replaces is revoked.
import { apiUrlFor, type Context } from '../../context'
import { UsageError } from '../../lib/errors'
import { withSessionLock } from '../session/session-lock'
import { formatMoney } from '../../ui/ui'
import { validateApiKey } from '../session/validate-api-key'
import { checkLoginCanBeSaved, revokePreviousSession } from './persist-login'
import { checkApiKeyShape } from '../session/credentials'

export interface KeyInput {
  /** True when stdin is a terminal: then there is nothing piped in to read. */
  isTTY: boolean
  readAll(): Promise<string>
}

export async function loginWithApiKey(ctx: Context, input: KeyInput): Promise<void> {
  const apiKey = await readKey(input)
  checkLoginCanBeSaved(ctx)
  const apiUrl = apiUrlFor(ctx)
  const info = await validateApiKey(ctx, apiUrl, apiKey, { from: 'the API key read from stdin' })
  // Under the lock, as every writer of credentials: a refresh in another process must not write its tokens over the key.
  const previous = await withSessionLock(ctx, () => {
    const replaced = ctx.store.readAuth()
    ctx.store.saveSession({
      config: { apiUrl, authType: 'api-key', user: info.user, workspace: info.workspace, lastWorkspaceId: info.workspace.id, gatewayUrl: info.gatewayUrl },
      auth: { authType: 'api-key', apiKey, signingKey: info.signingKey },
    })
    return replaced
  })
  // A browser login this key replaces is ended at the Console too, as `pensar logout` would.
  await revokePreviousSession(ctx, previous)
  const balance = info.billing ? `, balance ${formatMoney(info.billing.balance)}` : ''
  ctx.ui.success(`Logged in with an API key. Apex will use workspace ${info.workspace.name} (${info.workspace.slug})${balance}.`)
  if (info.billing && !info.billing.ready) ctx.ui.warn(`Billing isn't set up for ${info.workspace.name}: finish it under Settings > Billing in Pensar Console.`)
  if (ctx.env.vars.PENSAR_API_KEY?.trim()) ctx.ui.warn('PENSAR_API_KEY is set in your environment and overrides the stored key while it is set.')
  ctx.ui.emit({ event: 'logged_in', apiUrl, authType: 'api-key', ...(info.user ? { user: info.user } : {}), workspace: info.workspace, ...(info.billing ? { billing: info.billing } : {}) })
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
