// The startup check of the interactive prompt (product page: "If your Pensar Console session has
// truly expired … Apex will show a toast notification on startup … If you have a valid refresh
// token, your session will be silently restored"). A token that is still good costs no request;
// one that is due is renewed by the one refresh implementation (flows/session/refresh.ts).
import type { Context } from '../context'
import { causeOf, PensarError } from '../lib/errors'
import { HttpError } from '../lib/http'
import { readCredentials, SessionExpiredError, type Credentials } from '../flows/session/credentials'
import type { Connection, SessionHealth } from './repl'

export type Renew = (ctx: Context) => Promise<unknown>

const renewWithRefresh: Renew = async (ctx) => (await import('../flows/session/refresh')).getValidAccessToken(ctx)

export async function checkSessionAtStartup(ctx: Context, renew: Renew = renewWithRefresh): Promise<SessionHealth> {
  const creds = await readCredentials(ctx)
  if (creds.kind === 'none') return { state: creds.expired ? 'expired' : 'none' }
  if (creds.kind === 'api-key') return { state: 'ok', connection: connectionOf(ctx, creds) }
  try {
    await renew(ctx)
    return { state: 'ok', connection: connectionOf(ctx, creds) }
  } catch (error) {
    if (error instanceof SessionExpiredError) return { state: 'expired' }
    // Network trouble keeps the session (flows/session/refresh.ts); say so instead of crying "expired".
    if (error instanceof PensarError && error.code === 'refresh_failed') return { state: 'unchecked', reason: describe(error) }
    if (error instanceof HttpError && error.transient) return { state: 'unchecked', reason: causeOf(error) }
    throw error
  }
}

/**
 * Who is connected to which Console (the one the credentials go to) and workspace, as stored
 * (PENSAR_API_KEY's workspace is not).
 */
function connectionOf(ctx: Context, creds: Exclude<Credentials, { kind: 'none' }>): Connection {
  const config = creds.source === 'env' ? undefined : ctx.store.readConfig()
  return {
    user: config?.user?.email,
    apiKey: creds.kind === 'api-key' ? creds.source : undefined,
    console: hostOf(creds.origins.apiUrl),
    workspace: config?.workspace?.name,
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

function describe(error: PensarError): string {
  return causeOf(error.cause instanceof Error ? error.cause : error)
}
