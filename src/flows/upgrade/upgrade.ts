// `pensar upgrade [--version X]`: replaces the running binary with the newest release (or X),
// fetched from where install.sh installs from (PENSAR_INSTALL_BASE). The archive is checked
// against the release's SHA256SUMS before it is unpacked, unpacked beside the binary, started
// once, and only then renamed over the binary: a failed or interrupted upgrade leaves the old
// one in place and working (docs/cli-reference.md, "pensar upgrade").
import { dirname, join } from 'node:path'
import type { Context } from '../../context'
import { causeOf, errorCode, PensarError, UsageError } from '../../lib/errors'
import { unsafeUrlReason } from '../../lib/safe-url'
import type { FileWriter, UpgradeSystem } from '../../lib/upgrade-system'
import { downloadFile, mb } from './download'
import { extractTarEntry } from './read-tar'
import { readZipEntry } from './read-zip'
import {
  binaryNameInArchive,
  checksumFor,
  DEFAULT_RELEASES_URL,
  isVersion,
  MANIFEST_FILE,
  releaseFolderUrl,
  SUMS_FILE,
  upgradeArchiveFile,
  type ReleaseManifest,
} from './release-files'
import { replaceBinary } from './replace-binary'

export interface UpgradeOptions {
  /** A release to install instead of the newest (`0.2.0` or `v0.2.0`), older ones included. */
  version?: string
}

export type UpgradeResult = { upgraded: true; from: string; to: string; path: string } | { upgraded: false; version: string; latest: string; path: string }

const MAX_SMALL_FILE = 1_000_000
const MAX_ARCHIVE = 500_000_000
const START_CHECK_MS = 30_000

export async function upgrade(ctx: Context, opts: UpgradeOptions, system: UpgradeSystem): Promise<UpgradeResult> {
  const running = system.build.version
  const binary = await replaceableBinary(system)
  const base = releasesUrl(ctx)
  const wanted = opts.version === undefined ? await latestVersion(ctx, system, base) : versionFlag(opts.version)
  if (wanted === running) return upToDate(ctx, binary, running, wanted)
  if (opts.version === undefined && Bun.semver.order(wanted, running) < 0) return upToDate(ctx, binary, running, wanted)

  const folder = releaseFolderUrl(base, wanted)
  const archive = upgradeArchiveFile(system.build.target)
  ctx.ui.info(`Upgrading ${binary} from ${running} to ${wanted} (${folder}).`)
  const staged = await createBeside(system, binary)
  try {
    const expected = await listedChecksum(ctx, system, folder, archive)
    const bytes = await downloadArchive(ctx, system, `${folder}/${archive}`)
    verifyChecksum(bytes, expected, archive)
    await unpack(bytes, archive, binaryNameInArchive(system.build.target), staged.writer)
    await staged.writer.close()
    await checkStarts(system, staged.path, wanted)
    await replaceBinary(system, staged.path, binary).catch((error) => {
      throw new PensarError(`Could not put the new pensar in place of ${binary} (${causeOf(error)}). The old one is unchanged.`, { code: 'replace_failed', cause: error })
    })
  } catch (error) {
    await staged.writer.close().catch(() => {})
    await system.remove(staged.path).catch(() => {})
    throw error
  }
  ctx.ui.success(`Upgraded ${binary}: ${running} → ${wanted}.`)
  ctx.ui.emit({ event: 'upgraded', from: running, to: wanted, path: binary })
  return { upgraded: true, from: running, to: wanted, path: binary }
}

/** The file to replace: the running binary's real path, unless a package manager owns it. */
async function replaceableBinary(system: UpgradeSystem): Promise<string> {
  if (system.build.commit === 'dev') {
    throw new PensarError('This pensar runs from source (`bun src/entry.ts`), so there is no binary to upgrade.', {
      code: 'not_a_release',
      hint: 'Pull the source instead, or install a release with install.sh (docs/install.md).',
    })
  }
  const path = await system.selfPath()
  if (path.includes('/Cellar/')) {
    throw new PensarError(`${path} belongs to Homebrew, which would not know about a pensar replaced behind its back.`, {
      code: 'managed_install',
      hint: 'Run `brew upgrade pensar`.',
    })
  }
  return path
}

function releasesUrl(ctx: Context): string {
  const base = (ctx.env.vars.PENSAR_INSTALL_BASE || DEFAULT_RELEASES_URL).replace(/\/+$/, '')
  const unsafe = unsafeUrlReason(base)
  if (unsafe) {
    throw new UsageError(`PENSAR_INSTALL_BASE is not a usable address (${JSON.stringify(base)}): ${unsafe}.`, {
      hint: 'Give the https address of the releases, e.g. https://github.com/pensarai/pensar-cli/releases, or unset it.',
    })
  }
  return base
}

function versionFlag(value: string): string {
  if (!isVersion(value)) throw new UsageError(`--version ${JSON.stringify(value)} is not a version.`, { hint: 'Give one like --version 0.2.0.' })
  return value.replace(/^v/, '')
}

async function latestVersion(ctx: Context, system: UpgradeSystem, base: string): Promise<string> {
  const url = `${releaseFolderUrl(base)}/${MANIFEST_FILE}`
  ctx.log.debug(`looking for the newest release at ${url}`)
  const text = await downloadText(ctx, system, url)
  let manifest: Partial<ReleaseManifest> | undefined
  try {
    manifest = JSON.parse(text) as Partial<ReleaseManifest>
  } catch {}
  const version = manifest?.version
  if (typeof version !== 'string' || !isVersion(version)) {
    throw new PensarError(`${url} does not name a pensar version.`, { code: 'malformed', hint: 'Check PENSAR_INSTALL_BASE if you use a mirror.' })
  }
  return version.replace(/^v/, '')
}

function upToDate(ctx: Context, path: string, running: string, latest: string): UpgradeResult {
  if (running === latest) ctx.ui.success(`pensar ${running} is already up to date (${path}).`)
  else ctx.ui.success(`pensar ${running} is newer than the latest release, ${latest}; nothing to do. \`pensar upgrade --version ${latest}\` would go back to it.`)
  ctx.ui.emit({ event: 'up_to_date', version: running, latest, path })
  return { upgraded: false, version: running, latest, path }
}

/** The new binary's file, created now so a closed folder is found before anything is downloaded. */
async function createBeside(system: UpgradeSystem, binary: string): Promise<{ path: string; writer: FileWriter }> {
  const folder = dirname(binary)
  const path = join(folder, `.pensar-upgrade-${crypto.randomUUID().slice(0, 8)}${system.platform === 'win32' ? '.exe' : ''}`)
  try {
    return { path, writer: await system.createExecutable(path) }
  } catch (error) {
    const code = errorCode(error)
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw error
    throw new PensarError(`Cannot write to ${folder}, the folder pensar is installed in, so it cannot replace itself (${code}). Nothing was changed.`, {
      code: 'not_writable',
      cause: error,
      hint:
        system.platform === 'win32'
          ? 'Run `pensar upgrade` from a terminal opened as Administrator, or move pensar.exe to a folder you own.'
          : `Run \`sudo ${binary} upgrade\` if an administrator installed it there, or install into a folder you own instead: ` +
            'curl -fsSL https://github.com/pensarai/pensar-cli/releases/latest/download/install.sh | sh (into ~/.local/bin).',
    })
  }
}

/** A release's small text file (its manifest, its checksums). */
async function downloadText(ctx: Context, system: UpgradeSystem, url: string): Promise<string> {
  return new TextDecoder().decode(await downloadFile(ctx, system.fetch, url, { maxBytes: MAX_SMALL_FILE }))
}

async function listedChecksum(ctx: Context, system: UpgradeSystem, folder: string, archive: string): Promise<string> {
  const sums = await downloadText(ctx, system, `${folder}/${SUMS_FILE}`)
  const sha = checksumFor(sums, archive)
  if (!sha) throw new PensarError(`The release has no ${archive} (${folder}/${SUMS_FILE} does not list it).`, { code: 'not_found', hint: 'Pick another --version.' })
  return sha
}

async function downloadArchive(ctx: Context, system: UpgradeSystem, url: string): Promise<Uint8Array<ArrayBuffer>> {
  const name = url.slice(url.lastIndexOf('/') + 1)
  const spinner = ctx.ui.spinner(`Downloading ${name}`)
  let shownMb = -1
  try {
    const bytes = await downloadFile(ctx, system.fetch, url, {
      maxBytes: MAX_ARCHIVE,
      onProgress(received, total) {
        const now = Math.floor(received / 1e6)
        if (now === shownMb) return
        shownMb = now
        spinner.update(`Downloading ${name}: ${mb(received)}${total ? ` of ${mb(total)}` : ''}`)
      },
    })
    spinner.stop(`Downloaded ${name} (${mb(bytes.length)}).`)
    return bytes
  } catch (error) {
    spinner.stop()
    throw error
  }
}

function verifyChecksum(bytes: Uint8Array, expected: string, file: string): void {
  const actual = new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
  if (actual !== expected) {
    throw new PensarError(`Checksum mismatch for ${file}: expected ${expected}, got ${actual}. Nothing was changed.`, {
      code: 'checksum_mismatch',
      hint: 'The download was corrupted or tampered with. Run `pensar upgrade` again, and report it if it persists.',
    })
  }
}

async function unpack(archive: Uint8Array<ArrayBuffer>, file: string, entry: string, out: FileWriter): Promise<void> {
  try {
    if (file.endsWith('.zip')) return await out.write(readZipEntry(archive, entry))
    await extractTarEntry(new Blob([archive]).stream().pipeThrough(new DecompressionStream('gzip')), entry, out)
  } catch (error) {
    // A system error (ENOSPC, EIO) is the disk's; anything else is the archive's.
    if (/^E[A-Z]+$/.test(errorCode(error) ?? '')) {
      throw new PensarError(`Could not write the new pensar (${causeOf(error)}). Nothing was changed.`, { code: 'write_failed', cause: error, hint: 'Check the free space of the folder pensar is in.' })
    }
    throw new PensarError(`Could not unpack ${file}: ${causeOf(error)}. Nothing was changed.`, { code: 'bad_archive', cause: error, hint: 'Report it at https://github.com/pensarai/pensar-cli/issues.' })
  }
}

/** The new binary must start here and be the version and platform asked for. */
async function checkStarts(system: UpgradeSystem, path: string, version: string): Promise<void> {
  const run = await system.run([path, '--version', '--json'], START_CHECK_MS)
  let reported: { version?: unknown; target?: unknown } = {}
  try {
    reported = JSON.parse(run.stdout) as typeof reported
  } catch {}
  if (run.code !== 0 || typeof reported.version !== 'string') {
    const output = `${run.stdout}${run.stderr}`.trim().split('\n').slice(0, 3).join(' ')
    throw new PensarError(`The downloaded pensar ${version} does not start on this computer${output ? `: ${output}` : ''}. Nothing was changed.`, {
      code: 'does_not_start',
      hint: 'Report it at https://github.com/pensarai/pensar-cli/issues with the output of `pensar --version`.',
    })
  }
  if (reported.version !== version || reported.target !== system.build.target) {
    throw new PensarError(`The downloaded binary is pensar ${reported.version} for ${String(reported.target)}, not ${version} for ${system.build.target}. Nothing was changed.`, {
      code: 'wrong_build',
      hint: 'Check PENSAR_INSTALL_BASE if you use a mirror.',
    })
  }
}
