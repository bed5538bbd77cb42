// Step 8: `pensar login` when this computer is already connected. The stored session and
// disconnect (D), which the connected screen (connected-screen.ts, shared with the interactive
// /login) offers next to switching (flows/workspace/switch-workspace.ts). Without a terminal,
// login simply runs again.
import type { Context } from '../../context'
import type { AuthFile, ConfigFile } from '../../lib/store'
import { logout } from '../session/logout'
import { readSessionOrSay } from './persist-login'

export interface StoredSession {
  config: ConfigFile & { workspace: NonNullable<ConfigFile['workspace']> }
  auth: AuthFile
}

/** The stored session, if usable; one that cannot be read (a locked keychain, a damaged file) is said and left to a new login to replace. */
export async function readStoredSession(ctx: Context): Promise<StoredSession | undefined> {
  const config = ctx.store.readConfig()
  const auth = await readSessionOrSay(ctx, 'Logging in again replaces that session.')
  if (!config?.workspace || !auth || !(auth.accessToken || auth.apiKey)) return undefined
  return { config: config as StoredSession['config'], auth }
}

/** "Disconnect (D)": the same as `pensar logout` (revokes this device's session on the server). */
export async function disconnect(ctx: Context): Promise<void> {
  await logout(ctx, { quiet: true })
  ctx.ui.success('Disconnected. Run `pensar login` to connect again.')
  ctx.ui.emit({ event: 'logged_out' })
}
