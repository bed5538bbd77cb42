// What a Linux build links against, read from its ELF header: the program interpreter (the
// dynamic loader) and the DT_NEEDED libraries. The release checks these against what a stock
// system has, so a new dependency of Bun's runtime fails the build here instead of a user's
// first start ("Error loading shared library libstdc++.so.6" on Alpine).
import type { AllowedLinks } from './release-targets'

export interface ElfLinks {
  interpreter?: string
  needed: string[]
}

const PT_LOAD = 1
const PT_DYNAMIC = 2
const PT_INTERP = 3
const DT_NULL = 0n
const DT_NEEDED = 1n
const DT_STRTAB = 5n

/** Reads a 64-bit little-endian ELF (x64, arm64); throws on anything else. */
export function elfLinks(file: Uint8Array): ElfLinks {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  if (file.length < 64 || view.getUint32(0) !== 0x7f454c46) throw new Error('not an ELF file')
  if (file[4] !== 2 || file[5] !== 1) throw new Error('not a 64-bit little-endian ELF file')
  const phoff = Number(view.getBigUint64(0x20, true))
  const phentsize = view.getUint16(0x36, true)
  const phnum = view.getUint16(0x38, true)
  const segments = Array.from({ length: phnum }, (_, i) => {
    const at = phoff + i * phentsize
    return {
      type: view.getUint32(at, true),
      offset: Number(view.getBigUint64(at + 8, true)),
      vaddr: Number(view.getBigUint64(at + 16, true)),
      filesz: Number(view.getBigUint64(at + 32, true)),
    }
  })
  const cString = (at: number) => {
    let end = at
    while (end < file.length && file[end] !== 0) end++
    return new TextDecoder().decode(file.subarray(at, end))
  }
  const interp = segments.find((s) => s.type === PT_INTERP)
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC)
  if (!dynamic) return { interpreter: interp && cString(interp.offset), needed: [] }

  const neededOffsets: number[] = []
  let strtabAddr: number | undefined
  for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.filesz; at += 16) {
    const tag = view.getBigInt64(at, true)
    if (tag === DT_NULL) break
    const value = Number(view.getBigUint64(at + 8, true))
    if (tag === DT_NEEDED) neededOffsets.push(value)
    if (tag === DT_STRTAB) strtabAddr = value
  }
  if (strtabAddr === undefined) throw new Error('ELF dynamic section without a string table')
  const load = segments.find((s) => s.type === PT_LOAD && s.vaddr <= strtabAddr! && strtabAddr! < s.vaddr + s.filesz)
  if (!load) throw new Error('ELF string table outside every loaded segment')
  const strtab = strtabAddr - load.vaddr + load.offset
  return { interpreter: interp && cString(interp.offset), needed: neededOffsets.map((o) => cString(strtab + o)) }
}

/**
 * What is wrong with a build's links, if anything: another loader than its libc's, or a library
 * that is neither part of the C library nor one install.sh checks for. Bun's runtime gaining a
 * dependency must fail the release here, not on a user's machine.
 */
export function linkProblems(links: ElfLinks, allowed: AllowedLinks): string[] {
  const problems: string[] = []
  if (links.interpreter !== allowed.interpreter) problems.push(`asks for the loader ${links.interpreter ?? '(none)'}, not ${allowed.interpreter}`)
  const unexpected = links.needed.filter((lib) => !allowed.libc.includes(lib) && !allowed.checkedByInstaller.includes(lib))
  if (unexpected.length) {
    problems.push(`links against ${unexpected.join(', ')}, which install.sh does not check for (add it to the target's checkedByInstaller and install.sh's MUSL_LIBS)`)
  }
  return problems
}
