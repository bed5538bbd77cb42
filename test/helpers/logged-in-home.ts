// A logged-in PENSAR_HOME in a few hundred milliseconds: runs the compiled binary's
// `login --json --no-browser --workspace <slug>` against a test Console and approves the code
// through its control API. Use with a Console started with a short `--interval` (e.g. 0.2).
import { mkdtempSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runPensar } from './run-pensar'

export interface LoggedInHome {
  /** HOME for runPensar; the state folder is `${home}/.pensar`. */
  home: string
  pensarHome: string
  email: string
  auth(): Record<string, any>
  config(): Record<string, any>
}

export interface LoggedInHomeOptions {
  /** Folder to create the home in (deleted by the caller). */
  root: string
  email?: string
  /** Workspace slug; the Console creates one for an unknown email. */
  workspace?: string
  timeoutMs?: number
  /** More environment for the binary (a keyring's bus, PENSAR_CREDENTIAL_STORE). */
  env?: Record<string, string | undefined>
  /** More flags for `pensar login` (`--credential-store file`). */
  flags?: string[]
}

export async function loggedInHome(consoleUrl: string, opts: LoggedInHomeOptions): Promise<LoggedInHome> {
  const home = mkdtempSync(join(opts.root, 'home-'))
  const email = opts.email ?? 'demo@pensar.local'
  const args = ['login', '--json', '--no-browser', '--api-url', consoleUrl, ...(opts.workspace ? ['--workspace', opts.workspace] : []), ...(opts.flags ?? [])]
  const run = await runPensar(args, { home, env: opts.env })
  const code = await run.waitForEvent('device_code', opts.timeoutMs ?? 30_000)
  await controlCall(consoleUrl, 'POST', '/_console/device/approve', { user_code: code.user_code, email })
  const result = await run.done(opts.timeoutMs ?? 30_000)
  if (result.code !== 0) throw new Error(`login exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  const pensarHome = join(home, '.pensar')
  const read = (file: string) => JSON.parse(readFileSync(join(pensarHome, file), 'utf8')) as Record<string, any>
  return { home, pensarHome, email, auth: () => read('auth.json'), config: () => read('config.json') }
}

/** One call to the Console's control API (`--dev`), failing loudly on an error answer. */
export async function controlCall(consoleUrl: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${consoleUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = (await res.json()) as Record<string, any>
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(data)}`)
  return data
}
