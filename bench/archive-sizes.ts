// The size of each release archive beside its binary, for this machine's release target: built
// by the real `release()` (build/release.ts), so the figures are what install.sh, Homebrew and
// `pensar upgrade` download.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { release } from '../build/release'
import { findTarget, hostTargetName } from '../build/release-targets'

export interface ArchiveSizes {
  target: string
  binary: { file: string; bytes: number }
  archives: { file: string; bytes: number }[]
  /** SHA256SUMS: install.sh fetches it before the archive. */
  sumsBytes: number
}

export async function measureArchiveSizes(workDir: string): Promise<ArchiveSizes> {
  const target = findTarget(hostTargetName())
  if (!target) throw new Error(`this machine (${hostTargetName()}) is not a release target`)
  const outdir = join(workDir, 'release')
  await release({ targets: [target], outdir, log: () => {} })
  const size = (file: string) => statSync(join(outdir, file)).size
  const archives = readdirSync(outdir)
    .filter((f) => f.startsWith(`pensar-${target.name}.`))
    .map((file) => ({ file, bytes: size(file) }))
    .sort((a, b) => a.bytes - b.bytes)
  return { target: target.name, binary: { file: target.file, bytes: size(target.file) }, archives, sumsBytes: size('SHA256SUMS') }
}
