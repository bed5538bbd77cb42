// `pensar upgrade [--version X]`: flags → the upgrade flow (src/flows/upgrade/), which replaces
// this binary with the newest release, or release X, from where install.sh installs from.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import type { UpgradeOptions } from '../flows/upgrade/upgrade'
import { globalArgs } from './global-args'

export type UpgradeRunner = (ctx: Context, opts: UpgradeOptions) => Promise<unknown>

// Loaded on demand: the flow and its unpacking stay out of every other command's start-up.
const runUpgrade: UpgradeRunner = async (ctx, opts) => {
  const [{ upgrade }, { createUpgradeSystem }] = await Promise.all([import('../flows/upgrade/upgrade'), import('../lib/upgrade-system')])
  return upgrade(ctx, opts, createUpgradeSystem())
}

export function upgradeCommand(ctx: Context, run: UpgradeRunner = runUpgrade): CommandDef<any> {
  return defineCommand({
    meta: { name: 'upgrade', description: 'Replace this pensar with the latest release (from PENSAR_INSTALL_BASE, like install.sh), checksum verified' },
    args: {
      version: { type: 'string', valueHint: 'version', description: 'Install this release instead of the latest, e.g. 0.2.0 (older ones too)' },
      ...globalArgs,
    },
    run: ({ args }) => run(ctx, { version: typeof args.version === 'string' ? args.version : undefined }),
  })
}
