// The legacy device flow of older backends: camelCase JSON, always 200, ends in a workspace API key.
import { LEGACY_CLIENT_ID } from '../app.ts'
import { badRequest, json, optionalString, readBody, requireString } from '../lib/http.ts'
import { MAX_NAME_LENGTH, unsafeCharacter } from '../lib/text-rules.ts'
import { createApiKey } from '../store/api-keys.ts'
import { findByDeviceCode, spend } from '../store/device-codes.ts'
import { findUserById, publicUser } from '../store/users.ts'
import { dollars, findWorkspaceById, workspaceRef } from '../store/workspaces.ts'
import type { RequestContext } from '../router.ts'
import { NO_STORE } from './tokens.ts'
import { startDeviceLogin } from './device-flow.ts'


export async function legacyDeviceCode({ app, req, ip }: RequestContext): Promise<Response> {
  const body = await readBody(req, { formAllowed: false })
  const clientName = optionalString(body, 'clientName')
  const unsafe = clientName && unsafeCharacter(clientName)
  if (unsafe) throw badRequest(`clientName contains an invisible or control character (${unsafe}). Use visible text only.`)
  // The name becomes the API key's name and is shown on the confirm page: as long as a key name may be.
  const login = startDeviceLogin(app, ip, { clientId: LEGACY_CLIENT_ID, legacy: true, clientName: clientName?.slice(0, MAX_NAME_LENGTH) })
  return json(login, 200, NO_STORE)
}

export async function legacyDeviceToken({ app, req }: RequestContext): Promise<Response> {
  const body = await readBody(req, { formAllowed: false })
  const code = findByDeviceCode(app.db, requireString(body, 'deviceCode'))
  const now = app.now()
  if (!code || !code.legacy || code.status === 'spent') return json({ status: 'not_found' }, 200, NO_STORE)
  if (code.expiresAt <= now) return json({ status: 'expired' }, 200, NO_STORE)
  if (code.status === 'denied') return json({ status: 'denied' }, 200, NO_STORE)
  if (code.status === 'pending' || !spend(app.db, code)) {
    return json({ status: code.status === 'pending' ? 'pending' : 'not_found' }, 200, NO_STORE)
  }
  const user = findUserById(app.db, code.userId!)!
  const workspace = findWorkspaceById(app.db, code.workspaceId!)!
  const { apiKey } = createApiKey(app.db, workspace.id, user.id, code.clientName ?? 'Apex CLI (device login)', now)
  return json({
    status: 'complete',
    apiKey,
    workspace: workspaceRef(workspace),
    credits: { balance: dollars(workspace.balanceCents) },
    signingKey: workspace.signingKey,
    gatewayUrl: app.url,
    user: publicUser(user),
  }, 200, NO_STORE)
}
