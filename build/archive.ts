// The release archives around one binary: `.tar.gz` (the names Apex ships, what Homebrew and
// `pensar upgrade` fetch), `.tar.xz` (the smallest that stock tools unpack: GNU tar with xz,
// busybox, macOS's bsdtar) and `.zip` for Windows. Each holds the one file `pensar`
// (`pensar.exe` in the zip) at the top level, mode 755, owner 0, dated at the build.
// Tar and zip are written here rather than by `tar`/`zip`, so the bytes do not depend on the
// build machine's tools, umask or user (only xz is an outside program; Bun has no xz encoder).
import { rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import { deflateRaw, gzip } from 'node:zlib'

export const ARCHIVE_KINDS = ['tar.gz', 'tar.xz', 'zip'] as const
export type ArchiveKind = (typeof ARCHIVE_KINDS)[number]

/** gzip -9: 52.6 MB for the 112 MB linux-x64 binary (level 6: 53.9 MB). */
const GZIP_LEVEL = 9
/**
 * xz -6: 40.1 MB for the 112 MB linux-x64 binary in about a minute of one core; -9 saves 0.9 MB
 * for twice the time and 65 MB of memory to unpack (bench/FINDINGS.md has the figures).
 */
const XZ_ARGS = ['-6', '-T0']

/** The archive that carries a binary: `pensar-linux-x64` → `pensar-linux-x64.tar.gz`. */
export function archiveName(binaryFile: string, kind: ArchiveKind): string {
  return `${binaryFile.replace(/\.exe$/, '')}.${kind}`
}

/**
 * Writes the archives of `binary` into `outdir`, the compressors running side by side, and
 * returns their file names. `entryName` is the file's name inside them.
 */
export async function writeArchives(binary: string, kinds: readonly ArchiveKind[], outdir: string, opts: { entryName: string; date: Date }): Promise<string[]> {
  const data = new Uint8Array(await Bun.file(binary).arrayBuffer())
  const tar = kinds.some((k) => k !== 'zip') ? tarOneFile(opts.entryName, data, opts.date) : undefined
  return Promise.all(
    kinds.map(async (kind) => {
      const file = archiveName(basename(binary), kind)
      const outfile = join(outdir, file)
      if (kind === 'zip') await Bun.write(outfile, await zipOneFile(opts.entryName, data, opts.date))
      else if (kind === 'tar.gz') await Bun.write(outfile, await promisify(gzip)(tar!, { level: GZIP_LEVEL }))
      else await xzToFile(tar!, outfile)
      return file
    }),
  )
}

async function xzToFile(input: Uint8Array, outfile: string): Promise<void> {
  const xz = Bun.which('xz')
  if (!xz) throw new Error('xz is not installed, so the .tar.xz archives cannot be made (Debian/Ubuntu: apt-get install xz-utils; macOS: brew install xz)')
  const proc = Bun.spawn([xz, ...XZ_ARGS, '--stdout', '-'], { stdin: input, stdout: Bun.file(outfile), stderr: 'pipe' })
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) {
    rmSync(outfile, { force: true })
    throw new Error(`xz failed (exit ${code}): ${stderr.trim()}`)
  }
}

const BLOCK = 512

/** A ustar archive holding one regular file, mode 755, owned by 0:0. */
export function tarOneFile(name: string, data: Uint8Array, date: Date): Uint8Array<ArrayBuffer> {
  if (new TextEncoder().encode(name).length > 100) throw new Error(`tar entry name too long: ${name}`)
  const padded = Math.ceil(data.length / BLOCK) * BLOCK
  // header, data rounded up to a block, and the two zero blocks that end an archive
  const out = new Uint8Array(BLOCK + padded + 2 * BLOCK)
  const header = out.subarray(0, BLOCK)
  const put = (offset: number, text: string) => header.set(new TextEncoder().encode(text), offset)
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`
  put(0, name)
  put(100, octal(0o755, 8))
  put(108, octal(0, 8))
  put(116, octal(0, 8))
  put(124, octal(data.length, 12))
  put(136, octal(Math.floor(date.getTime() / 1000), 12))
  put(148, '        ') // the checksum is computed with its own field as spaces
  put(156, '0')
  put(257, 'ustar\0')
  put(263, '00')
  const sum = header.reduce((a, b) => a + b, 0)
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `)
  out.set(data, BLOCK)
  return out
}

/** A zip holding one deflated file; "made by" Unix so unzip there restores mode 755. */
export async function zipOneFile(name: string, data: Uint8Array, date: Date): Promise<Uint8Array<ArrayBuffer>> {
  const nameBytes = new TextEncoder().encode(name)
  const compressed = new Uint8Array(await promisify(deflateRaw)(data, { level: GZIP_LEVEL }))
  const crc = Bun.hash.crc32(data)
  const { time, day } = dosDateTime(date)
  if (data.length >= 0xffffffff || compressed.length >= 0xffffffff) throw new Error(`${name} is too large for a zip without Zip64`)

  // The fields the local header and its central directory entry share, in the same order
  // (APPNOTE 4.3.7 and 4.3.12): from `at` on, version needed to the name's length.
  const shared = (header: DataView, at: number) => {
    header.setUint16(at, 20, true) // version needed: 2.0 (deflate)
    header.setUint16(at + 4, 8, true) // method: deflate (flags, at + 2, stay 0)
    header.setUint16(at + 6, time, true)
    header.setUint16(at + 8, day, true)
    header.setUint32(at + 10, crc, true)
    header.setUint32(at + 14, compressed.length, true)
    header.setUint32(at + 18, data.length, true)
    header.setUint16(at + 22, nameBytes.length, true)
  }

  const local = new DataView(new ArrayBuffer(30))
  local.setUint32(0, 0x04034b50, true)
  shared(local, 4)

  const central = new DataView(new ArrayBuffer(46))
  central.setUint32(0, 0x02014b50, true)
  central.setUint16(4, (3 << 8) | 20, true) // made by: Unix, 2.0
  shared(central, 6)
  central.setUint32(38, (0o100755 << 16) >>> 0, true) // a regular file, rwxr-xr-x
  central.setUint32(42, 0, true) // the local header is at offset 0

  const centralOffset = 30 + nameBytes.length + compressed.length
  const end = new DataView(new ArrayBuffer(22))
  end.setUint32(0, 0x06054b50, true)
  end.setUint16(8, 1, true)
  end.setUint16(10, 1, true)
  end.setUint32(12, 46 + nameBytes.length, true)
  end.setUint32(16, centralOffset, true)

  return new Uint8Array(await new Blob([local, nameBytes, compressed, central, nameBytes, end]).arrayBuffer())
}

/** MS-DOS date and time (2-second steps, local fields taken as UTC), from 1980 on. */
function dosDateTime(date: Date): { time: number; day: number } {
  const d = date.getUTCFullYear() < 1980 ? new Date(Date.UTC(1980, 0, 1)) : date
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    day: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  }
}
