// Small real filesystems for tests of full and read-only disks: a tmpfs mounted for the test.
// Mounting needs root (as in CI and on the team's machines); `canMountTmpfs` says whether it
// works here, for `describe.skipIf`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const canMountTmpfs = process.getuid?.() === 0 && tryMount()

function tryMount(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'pensar-mount-probe-'))
  const ok = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).exitCode === 0
  if (ok) Bun.spawnSync(['umount', dir])
  rmSync(dir, { recursive: true, force: true })
  return ok
}

export const SKIP_REASON = 'needs root to mount a tmpfs (CI runs as root)'

export interface Tmpfs {
  dir: string
  remountReadOnly(): void
  /** Fills the filesystem to the last byte, then frees `leaveKb` (in 4 KiB pages). */
  fill(leaveKb?: number): void
  unmount(): void
}

export function mountTmpfs(sizeKb: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'pensar-mount-'))
  if (Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir]).exitCode !== 0) throw new Error(`could not mount a tmpfs on ${dir}`)
  return {
    dir,
    remountReadOnly() {
      if (Bun.spawnSync(['mount', '-o', 'remount,ro', dir]).exitCode !== 0) throw new Error(`could not remount ${dir} read-only`)
    },
    fill(leaveKb = 0) {
      const pads = Array.from({ length: Math.ceil(leaveKb / 4) }, (_, i) => join(dir, `pad${i}`))
      for (const pad of pads) writeFileSync(pad, Buffer.alloc(4096, 1))
      const chunk = Buffer.alloc(4096, 1)
      try {
        for (;;) writeFileSync(join(dir, 'filler'), chunk, { flag: 'a' })
      } catch {}
      for (const pad of pads) rmSync(pad)
    },
    unmount() {
      Bun.spawnSync(['umount', dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
