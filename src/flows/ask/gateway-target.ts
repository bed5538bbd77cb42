// Where a question goes and as whom: the stored session's workspace and gateway, or, for an API
// key in PENSAR_API_KEY (or a stored key that lacks its signing key), what `GET /auth/validate`
// says the key belongs to; asked once per conversation and never stored.
import { apiUrlFor, type Context } from '../../context'
import type { WorkspaceRef } from '../../lib/store'
import { createAuthedClient, type AuthedClient } from '../session/authed-client'
import { notLoggedIn, readCredentials } from '../session/credentials'
import { validateApiKey } from '../session/validate-api-key'
import type { Conversation } from './conversation'

export interface GatewaySession {
  client: AuthedClient
  workspace?: WorkspaceRef
  /** To build the billing page's address when the gateway does not name it. */
  consoleUrl?: string
}

export async function openGateway(ctx: Context, conversation: Conversation): Promise<GatewaySession> {
  const creds = await readCredentials(ctx)
  if (creds.kind === 'none') throw notLoggedIn(creds)
  const config = ctx.store.readConfig()
  if (creds.kind === 'api-key' && (creds.source === 'env' || !creds.signingKey)) {
    if (!conversation.target) {
      const from = creds.source === 'env' ? 'the API key in PENSAR_API_KEY' : 'the stored API key'
      const info = await validateApiKey(ctx, apiUrlFor(ctx), creds.apiKey, { from })
      conversation.target = { workspace: info.workspace, workspaceId: info.workspace.id, gatewayUrl: info.gatewayUrl, signingKey: info.signingKey }
    }
    return { client: createAuthedClient(ctx, conversation.target), workspace: conversation.target.workspace, consoleUrl: creds.source === 'env' ? undefined : config?.consoleUrl }
  }
  return { client: createAuthedClient(ctx), workspace: config?.workspace, consoleUrl: config?.consoleUrl }
}
