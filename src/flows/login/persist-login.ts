// Step 7: persist the new session, and end on the server the sessions this login replaces or
// abandons (best effort: a revocation that fails never fails the login).
import type { Context } from '../../context'
import type { SelectedWorkspace } from '../../lib/console-api'
import { CancelledError, PensarError } from '../../lib/errors'
import { KeychainError } from '../../lib/keychain-errors'
import { StoreError } from '../../lib/file-errors'
import type { AuthFile } from '../../lib/store'
import type { Endpoints } from './discovery'
import type { Grant } from './poll-token'
import { revokeQuietly } from '../session/revoke-token'
import { withSessionLock } from '../session/session-lock'

export interface NewLogin {
  apiUrl: string
  endpoints: Endpoints
  grant: Grant
  selected: SelectedWorkspace
  /** When the tokens were issued, by the server's clock. */
  receivedAt: number
}

/**
 * Before any code is shown or key checked: a login that could not be saved would have the person
 * approve in the browser for nothing (a read-only or full disk, a file where PENSAR_HOME should be).
 */
export async function checkLoginCanBeSaved(ctx: Context): Promise<void> {
  try {
    await ctx.store.checkWritable()
  } catch (error) {
    if (error instanceof KeychainError) throw new KeychainError(`${error.message} A login could not be saved, so none was started.`, { code: error.code, hint: error.hint, cause: error })
    if (!(error instanceof StoreError)) throw error
    throw new PensarError(`${error.message} A login could not be saved, so none was started.`, { code: 'store_failed', hint: error.hint, cause: error })
  }
}

/** Saves the session under the refresh lock (a refresh in another process must not write the old
 * session's rotated tokens over the new one). Returns the auth it replaced. */
export async function persistLogin(ctx: Context, login: NewLogin): Promise<AuthFile | undefined> {
  return withSessionLock(ctx, async () => {
    const previous = await readReplacedSession(ctx)
    await ctx.store.saveSession({ config: configOf(login), auth: authOf(login) })
    return previous
  })
}

/**
 * The session a login replaces, to end it at the Console afterwards. One that cannot be read (a
 * locked keychain, a damaged file) must not cost the login the person just approved: it is
 * replaced all the same, and said so.
 */
export function readReplacedSession(ctx: Context): Promise<AuthFile | undefined> {
  return readSessionOrSay(ctx, 'The new login replaces that session without ending it at Pensar Console.')
}

/** The stored session's document, or undefined when it cannot be read: that is said, with what happens instead (`then`). */
export async function readSessionOrSay(ctx: Context, then: string): Promise<AuthFile | undefined> {
  try {
    return await ctx.store.readAuth()
  } catch (error) {
    if (error instanceof CancelledError || !(error instanceof PensarError)) throw error
    ctx.ui.warn(`${error.message} ${then}`)
    return undefined
  }
}

function configOf({ apiUrl, endpoints, grant, selected }: NewLogin) {
  return {
    apiUrl,
    authType: grant.kind === 'oauth' ? ('workos' as const) : ('api-key' as const),
    user: grant.user,
    workspace: selected.workspace,
    lastWorkspaceId: selected.workspace.id,
    consoleUrl: endpoints.consoleUrl,
    gatewayUrl: selected.gatewayUrl ?? (grant.kind === 'legacy' ? grant.gatewayUrl : undefined),
  }
}

function authOf({ endpoints, grant, selected, receivedAt }: NewLogin): Omit<AuthFile, 'version'> {
  if (grant.kind === 'legacy') return { authType: 'api-key', apiKey: grant.apiKey, signingKey: selected.signingKey ?? grant.signingKey }
  const oauth = endpoints.kind === 'oauth' ? endpoints : undefined
  return {
    authType: 'workos',
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    tokenType: grant.tokenType,
    expiresAt: grant.expiresInSec === undefined ? undefined : receivedAt + grant.expiresInSec * 1000,
    signingKey: selected.signingKey,
    clientId: oauth?.clientId,
    issuer: oauth?.issuer,
    tokenEndpoint: oauth?.tokenEndpoint,
    revocationEndpoint: oauth?.revocationEndpoint,
  }
}

/** Ends the session a fresh grant opened, when we are not going to keep it. */
export async function revokeGrant(ctx: Context, endpoints: Endpoints, grant: Grant): Promise<void> {
  if (grant.kind !== 'oauth' || endpoints.kind !== 'oauth' || !endpoints.revocationEndpoint) return
  await revokeQuietly(ctx, { endpoint: endpoints.revocationEndpoint, clientId: endpoints.clientId, refreshToken: grant.refreshToken, accessToken: grant.accessToken })
}

/** "Log in again" replaced a session of this device: end it on the server as well. */
export async function revokePreviousSession(ctx: Context, previous: AuthFile | undefined): Promise<void> {
  if (!previous || previous.authType === 'api-key' || !previous.revocationEndpoint) return
  await revokeQuietly(ctx, { endpoint: previous.revocationEndpoint, clientId: previous.clientId, refreshToken: previous.refreshToken, accessToken: previous.accessToken })
}
