// The CLI's API: discovery, the caller's workspaces, selecting one, and API-key validation.
import { CLI_CLIENT_ID, type App } from '../app.ts'
import { ApiError, badRequest, forbidden, json, notFound, readBody, type Body } from '../lib/http.ts'
import { findWorkspaceById, isMember, workspacesOfUser, workspaceRef, workspaceSummary, billingOf, dollars, type Workspace } from '../store/workspaces.ts'
import { publicUser } from '../store/users.ts'
import type { RequestContext } from '../router.ts'
import { authenticateCaller, type Caller } from './auth.ts'
import { NO_STORE } from './tokens.ts'

export function cliConfig({ app }: RequestContext): Response {
  if (app.options.legacyOnly) throw notFound()
  return json({
    clientId: CLI_CLIENT_ID,
    workosClientId: CLI_CLIENT_ID,
    issuer: app.options.trustIssuer ?? app.url,
    consoleUrl: app.url,
  })
}

export function openidConfiguration({ app }: RequestContext): Response {
  return json({
    issuer: app.url,
    device_authorization_endpoint: `${app.url}/user_management/authorize/device`,
    token_endpoint: `${app.url}/user_management/authenticate`,
    revocation_endpoint: `${app.url}/oauth/revoke`,
    jwks_uri: `${app.url}/.well-known/jwks.json`,
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    response_types_supported: [],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    id_token_signing_alg_values_supported: [app.key.alg],
    subject_types_supported: ['public'],
  })
}

export function jwks({ app }: RequestContext): Response {
  return json({ keys: [app.key.publicJwk] })
}

export async function listWorkspaces({ app, req }: RequestContext): Promise<Response> {
  const caller = await authenticateCaller(app, req)
  const workspaces = callerWorkspaces(app, caller)
  return json({ workspaces: workspaces.map(workspaceSummary), consoleUrl: app.url })
}

export async function selectWorkspace({ app, req }: RequestContext): Promise<Response> {
  const caller = await authenticateCaller(app, req)
  const body = await readBody(req, { formAllowed: false })
  const workspace = requireWorkspace(app, caller, workspaceIdOf(body))
  return json({
    confirmed: true,
    workspace: workspaceRef(workspace),
    billing: billingOf(workspace),
    billingUrl: `${app.url}/${workspace.slug}/settings/billing`,
    signingKey: workspace.signingKey,
    gatewayUrl: app.url,
  }, 200, NO_STORE)
}

export async function validateApiKey({ app, req }: RequestContext): Promise<Response> {
  const caller = await authenticateCaller(app, req)
  if (caller.kind !== 'api-key') throw new ApiError(401, 'invalid_token', 'Send an API key (psk_…) to this route.', { 'www-authenticate': 'Bearer error="invalid_token"' })
  const workspace = findWorkspaceById(app.db, caller.apiKey.workspaceId)!
  return json({
    valid: true,
    workspace: workspaceRef(workspace),
    credits: { balance: dollars(workspace.balanceCents) },
    billing: billingOf(workspace),
    user: publicUser(caller.user),
    signingKey: workspace.signingKey,
    gatewayUrl: app.url,
  }, 200, NO_STORE)
}

function workspaceIdOf(body: Body): string {
  const id = body.workspaceId
  if (id === undefined || id === null || id === '') throw badRequest('workspaceId is required.')
  if (typeof id !== 'string') throw badRequest('workspaceId must be a string.')
  return id
}

export function callerWorkspaces(app: App, caller: Caller): Workspace[] {
  if (caller.kind === 'api-key') return [findWorkspaceById(app.db, caller.apiKey.workspaceId)!]
  return workspacesOfUser(app.db, caller.user.id)
}

/** The workspace, if the caller may use it: 404 when unknown, 403 when not theirs. */
export function requireWorkspace(app: App, caller: Caller, workspaceId: string): Workspace {
  const workspace = findWorkspaceById(app.db, workspaceId)
  if (!workspace) throw notFound('No workspace with that id.')
  const allowed = caller.kind === 'api-key' ? caller.apiKey.workspaceId === workspace.id : isMember(app.db, caller.user.id, workspace.id)
  if (!allowed) throw forbidden()
  return workspace
}
