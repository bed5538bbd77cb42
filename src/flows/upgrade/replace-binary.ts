// Puts a checked binary in place of the running one, so that at every moment the path holds a
// whole binary, the old or the new.
// - Unix: one rename over the old file. The running process keeps the old file open by inode,
//   and the next start runs the new one.
// - Windows cannot replace or delete a running .exe, but can rename it: the old one moves aside
//   to `pensar.exe.old`, the new one takes its name, and should that fail the old one moves back.
//   `pensar.exe.old` stays until the next upgrade deletes it, when it no longer runs.
import type { UpgradeSystem } from '../../lib/upgrade-system'

export type Replacer = Pick<UpgradeSystem, 'platform' | 'rename' | 'remove'>

export function asideName(binary: string): string {
  return `${binary}.old`
}

export async function replaceBinary(system: Replacer, staged: string, binary: string): Promise<void> {
  if (system.platform !== 'win32') return system.rename(staged, binary)
  const aside = asideName(binary)
  await system.remove(aside)
  await system.rename(binary, aside)
  try {
    await system.rename(staged, binary)
  } catch (error) {
    await system.rename(aside, binary)
    throw error
  }
}
