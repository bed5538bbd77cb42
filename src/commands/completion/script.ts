// The completion script of one shell for a command tree (loaded only by `pensar completion`).
import type { CommandDef } from 'citty'
import { BUILD } from '../../build-info'
import { commandTree } from '../command-tree'
import { bashScript } from './bash'
import { fishScript } from './fish'
import type { Shell } from './shells'
import { completionSpec } from './spec'
import { zshScript } from './zsh'

export async function completionScript(root: CommandDef, shell: Shell): Promise<string> {
  const spec = completionSpec(commandTree(root))
  const write = { bash: bashScript, zsh: zshScript, fish: fishScript }[shell]
  return write(spec, BUILD.version)
}
