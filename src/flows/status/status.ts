// `pensar login status` / `pensar status` / `pensar auth status`: what this
// computer is connected with, then a short online check (GET /gateway/validate, with any token
// renewal it needs, all within one 3 s budget).
// Exit 0 when connected, 4 when not logged in, expired or rejected, or when --api-url names
// another Console than the stored session's. An unreachable Console is reported (`online.ok:
// false`, "not verified") but does not make a good session "not connected".
// Every line agrees with what was checked and where: the report never names one Console and
// checks another, and PENSAR_API_KEY shows the key's view only (no stored token's expiry).
import { apiUrlFor, type Context } from '../../context'
import { AuthError, CancelledError, causeOf, EXIT, PensarError, SilentError } from '../../lib/errors'
import { looseModes, type LooseMode } from '../../lib/file-modes'
import { octal } from '../../lib/home-files'
import { looseHomeWarning, type AuthFile, type ConfigFile, type CredentialsPlace } from '../../lib/store'
import type { JsonEvent } from '../../ui/ui'
import { readCredentials, recordedCredentials, SESSION_EXPIRED_MESSAGE, SessionExpiredError, type Credentials, type RecordedCredentials } from '../session/credentials'
import { tokenExpiresAt } from '../session/token-expiry'
import { renderStatus } from './render'
import type { StatusOptions, StatusOutcome, StatusReport, Unverified } from './report'

export type { StatusOptions, StatusOutcome, StatusReport } from './report'

export async function status(ctx: Context, opts: StatusOptions): Promise<StatusOutcome> {
  const outcome = await answerStatus(ctx, opts)
  // Started before the answer is printed, so the filesystem works while the output is formatted.
  const modes = outcome.report.credentialStore ? looseModes({ folder: ctx.env.home, files: outcome.report.credentialBackend === 'file' ? [ctx.store.paths.auth] : [] }) : undefined
  if (ctx.env.json) {
    ctx.ui.emit(outcome.report as unknown as JsonEvent)
    // The data is on stdout; the reason (e.g. the expiry notice) goes to stderr for people.
    if (outcome.problem) ctx.ui.error(outcome.problem.message, outcome.problem.hint)
  } else renderStatus(ctx, outcome)
  if (modes) warnAboutLooseModes(ctx, await modes)
  // Answered; now a renewal the deadline stopped waiting for saves the rotated refresh token
  // (flows/session/refresh.ts). main() would wait for it too, before the process exits.
  await ctx.background.settled()
  if (!outcome.report.loggedIn) throw new SilentError(EXIT.auth)
  return outcome
}

/** The `status --json` object, without printing; a renewal cut short by the deadline has finished. */
export async function checkStatus(ctx: Context, opts: StatusOptions): Promise<StatusOutcome> {
  const outcome = await answerStatus(ctx, opts)
  await ctx.background.settled()
  return outcome
}

/** The answer, as soon as there is one: it may leave a token renewal running (ctx.background). */
async function answerStatus(ctx: Context, opts: StatusOptions): Promise<StatusOutcome> {
  const stored = await readStored(ctx)
  const outcome = await checkCredentials(ctx, opts, stored)
  // --api-url naming another Console (credentials.ts): the last connection was to the stored one.
  if (outcome.problem?.code !== 'other_console') return outcome
  // With the keychain, config.json records the session's Console: no secret is read for this.
  const sessionApiUrl = stored.auth.value?.apiUrl ?? stored.config?.apiUrl
  return sessionApiUrl ? { ...outcome, sessionApiUrl } : outcome
}

async function checkCredentials(ctx: Context, opts: StatusOptions, stored: Stored): Promise<StatusOutcome> {
  const report = localReport(ctx, stored)
  const { place } = stored
  let creds: Credentials | RecordedCredentials
  try {
    // `--offline` reads no secret: with the keychain it answers from what config.json records, so
    // a status poll never opens the keychain (nor waits on a locked one). The online check reads it.
    if (opts.offline && place.backend === 'keychain') creds = recordedCredentials(ctx, stored.config)
    // auth.json was read once, for the report: the same reading, and its error, serve here.
    else creds = await readCredentials(ctx, place.backend === 'file' ? stored.auth.get : undefined)
  } catch (error) {
    return notConnected(report, error)
  }
  if (creds.kind === 'none') {
    return notConnected(report, creds.expired ? new SessionExpiredError() : new AuthError('Not logged in to Pensar Console.'))
  }
  Object.assign(report, { loggedIn: true, authType: creds.kind, source: creds.source, apiUrl: creds.origins.apiUrl })
  // An API key has no expiry; PENSAR_API_KEY is not the stored session, so none of its facts apply.
  if (creds.kind === 'api-key') report.expiresAt = null
  if (creds.kind === 'api-key' && creds.source === 'env') Object.assign(report, { user: null, workspace: null })
  if (opts.offline) return { report }
  const read = creds as Exclude<Credentials, { kind: 'none' }> // online, they were read whole
  // Loaded only now, so `--offline` starts without the authed client, refresh and signing code.
  const { checkOnline, onlineDeadline, resolveApiKeyWorkspace } = await import('./online-check')
  const deadline = onlineDeadline(ctx, report.apiUrl)
  const expiresBefore = report.expiresAt
  try {
    const key = read.kind === 'api-key' && !report.workspace ? await resolveApiKeyWorkspace(ctx, report, read.apiKey, read.source, deadline) : undefined
    // PENSAR_API_KEY is checked where the key says, never with the stored session's gateway and workspace.
    const target = read.source === 'env' ? { gatewayUrl: key?.gatewayUrl ?? report.apiUrl, workspaceId: report.workspace?.id } : undefined
    report.online = await checkOnline(ctx, deadline, target)
    if (read.kind === 'workos') {
      // A refresh may have renewed the token, and moved the session (an older auth.json into the keychain).
      const now = localReport(ctx, await readStored(ctx))
      Object.assign(report, { expiresAt: now.expiresAt, credentialStore: now.credentialStore, credentialBackend: now.credentialBackend })
    }
    return { report, renewed: report.expiresAt !== expiresBefore }
  } catch (error) {
    // Not logged in, expired, rejected, or the stored files cannot be read (StoreError, exit 4).
    if (error instanceof AuthError || (error instanceof PensarError && error.exitCode === EXIT.auth)) return notConnected(report, error)
    if (error instanceof CancelledError) throw error // Ctrl-C: exit 130, not "offline"
    report.online = { ok: false, balance: null, billingReady: null, inferenceEnabled: null }
    return { report, unverified: unverifiedBy(error) }
  }
}

/** Why a logged-in session could not be confirmed, and what to do about it. */
function unverifiedBy(error: unknown): Unverified {
  const renewalFailed = error instanceof PensarError && error.code === 'refresh_failed'
  const cause = renewalFailed && error.cause instanceof Error ? error.cause : error
  const hint =
    cause instanceof PensarError && cause.hint
      ? cause.hint
      : cause instanceof PensarError && cause.code === 'timeout'
        ? 'Check your network connection, then run `pensar status` again.'
        : 'Try again in a minute.'
  return { reason: causeOf(cause), hint, renewalFailed }
}

/** Others can read the credentials (auth.json 0644, a shared folder): said at once, not only by doctor. */
function warnAboutLooseModes(ctx: Context, modes: LooseMode[]): void {
  for (const loose of modes) {
    if (loose.kind === 'folder') ctx.ui.warn(looseHomeWarning(loose.path, loose.mode))
    else ctx.ui.warn(`${loose.path} is open to other users (mode ${octal(loose.mode)}): pensar writes it 0600 at its next save; to fix it now, run \`chmod 600 ${loose.path}\`.`)
  }
}

/**
 * What is stored, each file read once: config.json, where it says the secrets are, and auth.json
 * when they are there (its error kept for readCredentials). The keychain is not opened.
 */
interface Stored {
  config: ConfigFile | undefined
  place: CredentialsPlace
  auth: { value?: AuthFile; get: () => Promise<AuthFile | undefined> }
}

async function readStored(ctx: Context): Promise<Stored> {
  const config = safely(() => ctx.store.readConfig())
  const place = config ? ctx.store.credentialsPlaceIn(config) : { backend: 'file' as const, location: ctx.store.paths.auth }
  if (place.backend === 'keychain') return { config, place, auth: { get: () => ctx.store.readAuth(place) } }
  try {
    const value = await ctx.store.readAuth(place)
    return { config, place, auth: { value, get: async () => value } }
  } catch (error) {
    return { config, place, auth: { get: () => Promise.reject(error) } }
  }
}

/** The report before any check: config.json, and auth.json (with the keychain, config.json's copy of the token's expiry). */
function localReport(ctx: Context, { config, place, auth }: Stored): StatusReport {
  const stored = place.backend === 'keychain' ? recordedSession(config) : fileSession(auth.value)
  return {
    loggedIn: false,
    authType: null,
    user: config?.user ?? null,
    workspace: config?.workspace ?? null,
    apiUrl: apiUrlFor(ctx),
    credentialStore: stored.present ? place.location : null,
    credentialBackend: stored.present ? place.backend : null,
    expiresAt: stored.expiresAt === undefined ? null : new Date(stored.expiresAt).toISOString(),
    online: null,
    source: null,
  }
}

interface StoredSessionView {
  present: boolean
  expiresAt?: number
}

function fileSession(auth: AuthFile | undefined): StoredSessionView {
  const expiresAt = auth && typeof auth.accessToken === 'string' ? tokenExpiresAt({ accessToken: auth.accessToken, expiresAt: typeof auth.expiresAt === 'number' ? auth.expiresAt : undefined }) : undefined
  return { present: Boolean(auth && (auth.accessToken || auth.refreshToken || auth.apiKey)), expiresAt }
}

/** The keychain's session, from the copy config.json keeps of its state (lib/store.ts). */
function recordedSession(config: ConfigFile | undefined): StoredSessionView {
  const present = Boolean(config?.authType && config.credentialStore === 'keychain' && config.sessionExpiredAt === undefined)
  return { present, expiresAt: present && config?.authType === 'workos' ? config.expiresAt : undefined }
}

function notConnected(report: StatusReport, error: unknown): StatusOutcome {
  Object.assign(report, { loggedIn: false, online: null })
  if (error instanceof SessionExpiredError) return { report, problem: { code: 'session_expired', message: SESSION_EXPIRED_MESSAGE } }
  if (error instanceof PensarError) return { report, problem: { code: error.code, message: error.message, hint: error.hint } }
  throw error
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}
