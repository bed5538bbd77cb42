// `pensar completion bash|zsh|fish`: the shell's completion script, generated from the command
// tree at run time (commands/completion/), so every command registered in root.ts completes.
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import type { JsonEvent } from '../ui/ui'
import { choiceArg } from './command-tree'
import { SHELLS, type Shell } from './completion/shells'
import { globalArgs } from './global-args'

/** `root` is a function: the tree this command belongs to is still being built when it is defined. */
export function completionCommand(ctx: Context, root: () => CommandDef<any>): CommandDef<any> {
  return defineCommand({
    meta: {
      name: 'completion',
      description: 'Print the shell completion script for bash, zsh or fish (install it once, see the examples)',
      examples: [
        'pensar completion bash > ~/.local/share/bash-completion/completions/pensar   # bash, with bash-completion',
        "echo 'eval \"$(pensar completion bash)\"' >> ~/.bashrc                         # bash, without it",
        'pensar completion zsh > "${fpath[1]}/_pensar"                                # zsh (a folder in $fpath)',
        'pensar completion fish > ~/.config/fish/completions/pensar.fish             # fish',
      ],
    },
    args: {
      shell: choiceArg({ options: SHELLS, description: 'bash, zsh or fish' }),
      ...globalArgs,
    },
    async run({ args }) {
      const script = await (await import('./completion/script')).completionScript(root(), args.shell as Shell)
      if (ctx.env.json) ctx.ui.emit({ shell: args.shell, script } as unknown as JsonEvent)
      else ctx.ui.result(script.trimEnd().split('\n'))
    },
  })
}
