// The platforms `bun run release` ships, and a check that a built file really is a binary for
// the platform its name claims. Only the host's binary can be run, so for the others the
// executable header is the evidence that the right `--target` went into the right file.
import { existsSync, readdirSync } from 'node:fs'
import { binaryFile } from '../src/flows/upgrade/release-files'

export interface ReleaseTarget {
  /** The platform name used in asset names, install.sh and `pensar --version`. */
  name: string
  /** The `bun build --target` value. */
  bunTarget: string
  /** The release asset's file name. */
  file: string
  /** Linux builds: the dynamic loader and the libraries the binary may link against. */
  links?: AllowedLinks
}

export interface AllowedLinks {
  interpreter: string
  /** Part of the C library itself: present wherever the loader is. */
  libc: readonly string[]
  /**
   * Libraries a stock system may lack, which install.sh checks for before installing (its
   * MUSL_LIBS): the ones linked, and what they load in turn (libstdc++ needs libgcc_s).
   */
  checkedByInstaller: readonly string[]
}

const GLIBC = ['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2', 'librt.so.1']
const target = (name: string, bunTarget: string, links?: AllowedLinks): ReleaseTarget => ({ name, bunTarget, file: binaryFile(name), ...(links ? { links } : {}) })

// x64 binaries embed Bun's "baseline" runtime (x86-64-v2, CPUs since 2008). Bun's default x64
// runtime needs AVX2 and dies with "Illegal instruction" on older CPUs and on VMs with a
// conservative CPU model, before a line of ours runs. Start-up measured the same (10 ms).
export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  target('linux-x64', 'bun-linux-x64-baseline', {
    interpreter: '/lib64/ld-linux-x86-64.so.2',
    libc: [...GLIBC, 'ld-linux-x86-64.so.2'],
    checkedByInstaller: [],
  }),
  target('linux-arm64', 'bun-linux-arm64', {
    interpreter: '/lib/ld-linux-aarch64.so.1',
    libc: [...GLIBC, 'ld-linux-aarch64.so.1'],
    checkedByInstaller: [],
  }),
  // Alpine's base image has musl but not libstdc++ or libgcc (`apk add libstdc++ libgcc`).
  target('linux-x64-musl', 'bun-linux-x64-baseline-musl', {
    interpreter: '/lib/ld-musl-x86_64.so.1',
    libc: ['libc.musl-x86_64.so.1'],
    checkedByInstaller: ['libstdc++.so.6', 'libgcc_s.so.1'],
  }),
  target('darwin-x64', 'bun-darwin-x64-baseline'),
  target('darwin-arm64', 'bun-darwin-arm64'),
  target('windows-x64', 'bun-windows-x64-baseline'),
]

export function findTarget(name: string): ReleaseTarget | undefined {
  return RELEASE_TARGETS.find((t) => t.name === name)
}

/** The name of the platform this machine runs, in release-target spelling (it may not be one we ship). */
export function hostTargetName(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform
  return `${os}-${process.arch}${os === 'linux' && isMuslHost() ? '-musl' : ''}`
}

function isMuslHost(): boolean {
  // glibc first: Debian's `musl` package adds a musl loader to a glibc system.
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
  if (header?.glibcVersionRuntime) return false
  return existsSync('/lib') && readdirSync('/lib').some((f) => f.startsWith('ld-musl-'))
}

/**
 * Names the platform an executable is for by reading its header: ELF (machine, and musl by its
 * program interpreter), Mach-O (CPU type) or PE (machine). Undefined when unrecognised.
 */
export function platformOfExecutable(head: Uint8Array): string | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  if (head.length < 64) return undefined
  if (view.getUint32(0) === 0x7f454c46) {
    const arch = ({ 0x3e: 'x64', 0xb7: 'arm64' } as Record<number, string>)[view.getUint16(18, true)]
    const musl = new TextDecoder('latin1').decode(head).includes('/ld-musl-')
    return arch && `linux-${arch}${musl ? '-musl' : ''}`
  }
  if (view.getUint32(0, true) === 0xfeedfacf) {
    const arch = ({ 0x01000007: 'x64', 0x0100000c: 'arm64' } as Record<number, string>)[view.getUint32(4, true)]
    return arch && `darwin-${arch}`
  }
  if (view.getUint16(0) === 0x4d5a) {
    const pe = view.getUint32(0x3c, true)
    if (pe + 6 > head.length || view.getUint32(pe) !== 0x50450000) return undefined
    const arch = ({ 0x8664: 'x64', 0xaa64: 'arm64' } as Record<number, string>)[view.getUint16(pe + 4, true)]
    return arch && `windows-${arch}`
  }
  return undefined
}
