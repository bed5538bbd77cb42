// `pensar open [billing|usage|api-keys|console]`: → flows/open, for the workspace Apex uses.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import type { OpenOptions } from '../flows/open/open-page'
import { CONSOLE_PAGES } from '../lib/console-pages'
import { choiceArg } from './command-tree'
import { globalArgs } from './global-args'

export type OpenRunner = (ctx: Context, opts: OpenOptions) => Promise<unknown>

const runOpen: OpenRunner = async (ctx, opts) => (await import('../flows/open/open-page')).openConsolePage(ctx, opts)

export function openCommand(ctx: Context, run: OpenRunner = runOpen): CommandDef<any> {
  return defineCommand({
    meta: {
      name: 'open',
      description: 'Open a Pensar Console page of the workspace Apex uses, and print its address',
      examples: ['pensar open billing               # add credits, set up a payment method', 'pensar open api-keys --no-browser  # only print the address', 'pensar open                       # the Console itself'],
    },
    args: {
      page: choiceArg({ options: CONSOLE_PAGES, required: false, default: 'console', description: 'billing, usage (spend per user and key), api-keys, or console (the default: the Console home)' }),
      browser: { type: 'boolean', default: true, description: 'Open the page in your browser', negativeDescription: "Don't open a browser; only print the address" },
      ...globalArgs,
    },
    run: ({ args }) => run(ctx, { page: args.page as OpenOptions['page'], openBrowser: args.browser !== false }),
  })
}
