// The files of a pensar release and where they are, as `bun run release` writes them and as
// install.sh and `pensar upgrade` fetch them (docs/install.md, "What a release holds").
// A release folder is `<base>/download/v<version>/`, and `<base>/latest/download/` is the newest
// one: GitHub's layout, which a mirror set in PENSAR_INSTALL_BASE copies.

export const DEFAULT_RELEASES_URL = 'https://github.com/pensarai/pensar-cli/releases'

/** Checksums of every other file of the release, in `sha256sum` format. */
export const SUMS_FILE = 'SHA256SUMS'
/** `{ name, version, commit, buildDate }` of the release: how `pensar upgrade` learns the newest version. */
export const MANIFEST_FILE = 'release.json'

export interface ReleaseManifest {
  name: 'pensar'
  version: string
  commit: string
  buildDate: string
}

/** The raw binary of a platform (`linux-x64`, `windows-x64`, …). */
export function binaryFile(target: string): string {
  return `pensar-${target}${target.startsWith('windows-') ? '.exe' : ''}`
}

/** The archive `pensar upgrade` fetches: the `.tar.gz` (`.zip` on Windows), which it can unpack itself. */
export function upgradeArchiveFile(target: string): string {
  return `pensar-${target}.${target.startsWith('windows-') ? 'zip' : 'tar.gz'}`
}

/** The file's name inside every archive. */
export function binaryNameInArchive(target: string): string {
  return target.startsWith('windows-') ? 'pensar.exe' : 'pensar'
}

/** The release folder: the newest, or the one of a version (`0.2.0`, `v0.2.0`). */
export function releaseFolderUrl(base: string, version?: string): string {
  const root = base.replace(/\/+$/, '')
  return version ? `${root}/download/v${version.replace(/^v/, '')}` : `${root}/latest/download`
}

/** What a version may look like: the characters install.sh accepts, starting with a digit. */
export function isVersion(text: string): boolean {
  return /^v?[0-9][0-9A-Za-z.+-]*$/.test(text)
}

/** The checksum `SHA256SUMS` lists for `file` (a `*file` binary-mode line counts too). */
export function checksumFor(sums: string, file: string): string | undefined {
  for (const line of sums.split('\n')) {
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim())
    if (match && match[2] === file) return match[1]!.toLowerCase()
  }
  return undefined
}
