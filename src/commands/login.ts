// `pensar login` (and its legacy name `pensar auth`): parses flags, hands over to the login flow.
// `login status`, `login logout` and `login doctor` are the same commands as `pensar status` etc.;
// `login token` lends the session to other tools.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { credentialModeFrom } from '../lib/credential-mode'
import type { LoginOptions } from '../flows/login/options'
import { UsageError } from '../lib/errors'
import { doctorCommand } from './doctor'
import { globalArgs } from './global-args'
import { logoutCommand } from './logout'
import { statusCommand } from './status'
import { tokenCommand } from './token'

export type LoginRunner = (ctx: Context, opts: LoginOptions) => Promise<unknown>

const loginArgs = {
  workspace: { type: 'string', valueHint: 'id|slug', description: 'Workspace to connect (required without a terminal when you have several)' },
  browser: { type: 'boolean', default: true, description: 'Open the verification page in your browser', negativeDescription: 'Do not open a browser; only print the address' },
  'with-api-key': { type: 'boolean', description: 'Log in with an API key read from stdin (e.g. `pensar login --with-api-key < key.txt`)' },
  // `<store>`, not `<auto|keychain|file>`: the option's name must fit a 40-column terminal whole.
  'credential-store': { type: 'string', valueHint: 'store', description: 'Where to keep the secrets: auto (the OS keychain when it answers, else a 0600 file; the default), keychain (the keychain or an error) or file (as PENSAR_CREDENTIAL_STORE)' },
  ...globalArgs,
} as const

const LOGIN_EXAMPLES = [
  'pensar login                                   # a code, your browser, then choose a workspace',
  'pensar login --workspace acme                  # connect to acme without the list',
  'pensar login --no-browser                      # over SSH: print the address (and a QR code) instead',
  'pensar login --with-api-key < key.txt          # CI: an API key from stdin (never on the command line)',
  'pensar login --credential-store keychain       # the OS keychain or an error, never a file',
  'pensar login --json --workspace acme           # a script: JSON events on stdout',
  'pensar login --api-url http://127.0.0.1:4100   # another Console (here a local one)',
]

// The real flow is imported on first use, so `--version` and `status` never load it.
const runLogin: LoginRunner = async (ctx, opts) => (await import('../flows/login/login')).login(ctx, opts)

// The key comes from stdin, never from argv, where `ps` and shell history would see it.
async function runApiKeyLogin(ctx: Context, workspace: string | undefined): Promise<void> {
  if (workspace) throw new UsageError('--workspace cannot be combined with --with-api-key: an API key belongs to one workspace.')
  const stdin = ctx.stdin ?? { isTTY: true, readAll: async () => '' }
  await (await import('../flows/login/api-key-login')).loginWithApiKey(ctx, stdin)
}

export function loginCommand(ctx: Context, run: LoginRunner = runLogin, name = 'login'): CommandDef<any> {
  return defineCommand({
    meta: {
      name,
      description: name === 'login' ? 'Connect this computer to a Pensar Console workspace' : 'Legacy name of `pensar login` (every subcommand works)',
      examples: LOGIN_EXAMPLES,
    },
    args: loginArgs,
    subCommands: { status: statusCommand(ctx), logout: logoutCommand(ctx), doctor: doctorCommand(ctx), token: tokenCommand(ctx) },
    async run({ args }) {
      const mode = credentialModeFrom(args['credential-store'], '--credential-store')
      const here = mode ? { ...ctx, store: ctx.store.withCredentialMode(mode) } : ctx
      if (args['with-api-key']) return runApiKeyLogin(here, args.workspace)
      await run(here, { workspace: args.workspace?.trim() || undefined, openBrowser: args.browser !== false })
    },
  })
}
