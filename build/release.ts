// `bun run release [--only linux-x64,host] [--outdir dir] [--version x]`: cross-compiles pensar
// for every platform we ship into dist/release/, with the exact flags of `bun run build`
// (compileArgs), and beside each binary its archives (build/archive.ts): `.tar.gz` and `.tar.xz`,
// `.zip` for Windows. Then `release.json` (the version, for `pensar upgrade`), `pensar.rb` (the
// Homebrew formula, when the four platforms it names were built) and `SHA256SUMS` over all of
// them, in the format `sha256sum -c`, install.sh and `pensar upgrade` read.
// Everything is built into a sibling staging folder first; the release folder is replaced only
// when every file was built and checked, so a failed run never leaves a partial release.
import { renameSync, rmSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pkg from '../package.json'
import { binaryNameInArchive, DEFAULT_RELEASES_URL, isVersion, MANIFEST_FILE, releaseFolderUrl, SUMS_FILE, type ReleaseManifest } from '../src/flows/upgrade/release-files'
import { ARCHIVE_KINDS, writeArchives, type ArchiveKind } from './archive'
import { buildInfo, checkStarts, compile } from './compile'
import { elfLinks, linkProblems } from './elf-links'
import { FORMULA_TARGETS, homebrewFormula } from './homebrew-formula'
import { findTarget, hostTargetName, platformOfExecutable, RELEASE_TARGETS, type ReleaseTarget } from './release-targets'

const ROOT = resolve(import.meta.dir, '..')
export const FORMULA_FILE = 'pensar.rb'
const FORMULA_DESCRIPTION = 'Connects the Apex CLI to a Pensar Console workspace'
const HOMEPAGE = 'https://github.com/pensarai/pensar-cli'

const USAGE = `Usage: bun run release [--only <targets>] [--outdir <dir>] [--version <version>] [--archives <kinds>]
  --only         comma-separated targets to build (default: all). "host" means this machine's.
                 Targets: ${RELEASE_TARGETS.map((t) => t.name).join(', ')}
  --outdir       where the release goes (default: dist/release); its old contents are replaced
  --version      the version to stamp into the binaries (default: package.json's, ${pkg.version})
  --archives     which archives to make: comma-separated tar.gz, tar.xz, zip (Windows only), or
                 none (default: all; fewer for a quick build to try something)`

export interface ReleaseOptions {
  targets: readonly ReleaseTarget[]
  outdir: string
  /** Default: package.json's. */
  version?: string
  /** Which archives to make beside each binary (default: all); the formula needs tar.gz. */
  archives?: readonly ArchiveKind[]
  log?: (line: string) => void
}

interface Asset {
  file: string
  sha: string
}

export async function release({ targets, outdir, version = pkg.version, archives = ARCHIVE_KINDS, log = console.log }: ReleaseOptions): Promise<void> {
  const staging = `${outdir}.partial-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  try {
    // One commit and build date for the whole release; only the target differs per binary.
    const shared = { ...buildInfo(), version }
    const assets: Asset[] = []
    const add = async (file: string) => {
      const asset = { file, sha: await sha256(resolve(staging, file)) }
      assets.push(asset)
      return asset
    }
    for (const target of targets) {
      const outfile = resolve(staging, target.file)
      await compile({ outfile, target: target.bunTarget }, { ...shared, target: target.name })
      // The source map is embedded in the binary (--sourcemap); the side file is not an asset.
      rmSync(`${outfile}.map`, { force: true })
      await checkPlatform(outfile, target)
      if (target.links) await checkLinks(outfile, target)
      const started = target.name === hostTargetName() ? `, runs: ${checkVersion(outfile, version)}` : ''
      const binary = await add(target.file)
      const kinds = archiveKinds(target, archives)
      const packed = await writeArchives(outfile, kinds, staging, { entryName: binaryNameInArchive(target.name), date: new Date(shared.buildDate) })
      for (const file of packed) await add(file)
      const sizes = packed.map((file, i) => `, ${kinds[i]} ${mb(resolve(staging, file))} MB`).join('')
      log(`built ${target.file} (${mb(outfile)} MB${sizes}; sha256 ${binary.sha.slice(0, 12)}…${started})`)
    }
    const manifest: ReleaseManifest = { name: 'pensar', version, commit: shared.commit, buildDate: shared.buildDate }
    await Bun.write(resolve(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
    await add(MANIFEST_FILE)
    const missing = FORMULA_TARGETS.filter((name) => !targets.some((t) => t.name === name))
    if (archives.includes('tar.gz') && missing.length === 0) {
      const byFile = new Map(assets.map((a) => [a.file, a.sha]))
      const formula = homebrewFormula({
        version,
        description: FORMULA_DESCRIPTION,
        homepage: HOMEPAGE,
        releaseUrl: releaseFolderUrl(DEFAULT_RELEASES_URL, version),
        sha256: (file) => byFile.get(file) ?? raise(`the formula names ${file}, which was not built`),
      })
      await Bun.write(resolve(staging, FORMULA_FILE), formula)
      await add(FORMULA_FILE)
    } else {
      log(`${FORMULA_FILE} not written: ${archives.includes('tar.gz') ? `it needs ${missing.join(', ')} too` : 'it needs the .tar.gz archives'}`)
    }
    await Bun.write(resolve(staging, SUMS_FILE), formatSums(assets))
    rmSync(outdir, { recursive: true, force: true })
    renameSync(staging, outdir)
    log(`release ${version} (${shared.commit}): ${assets.length} files and ${SUMS_FILE} in ${outdir}`)
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** Windows gets a .zip (Explorer opens it), every other platform .tar.gz and .tar.xz. */
function archiveKinds(target: ReleaseTarget, wanted: readonly ArchiveKind[]): ArchiveKind[] {
  return wanted.filter((kind) => (kind === 'zip') === target.name.startsWith('windows-'))
}

async function checkPlatform(file: string, target: ReleaseTarget): Promise<void> {
  const head = new Uint8Array(await Bun.file(file).slice(0, 4096).arrayBuffer())
  const found = platformOfExecutable(head)
  if (found !== target.name) throw new Error(`${file} should be a ${target.name} executable but its header says ${found ?? 'unknown'}`)
}

/** A Linux build may link only what build/release-targets.ts allows it (see linkProblems). */
async function checkLinks(file: string, target: ReleaseTarget): Promise<void> {
  const problems = linkProblems(elfLinks(new Uint8Array(await Bun.file(file).arrayBuffer())), target.links!)
  if (problems.length) throw new Error(`${basename(file)} ${problems.join('; ')}`)
}

function checkVersion(binary: string, version: string): string {
  const line = checkStarts(binary).split('\n')[0] ?? ''
  if (!line.includes(version)) throw new Error(`${binary} --version printed "${line}", which lacks version ${version}`)
  return line
}

function raise(message: string): never {
  throw new Error(message)
}

export async function sha256(file: string): Promise<string> {
  const hasher = new Bun.CryptoHasher('sha256')
  const reader = Bun.file(file).stream().getReader()
  for (let part = await reader.read(); !part.done; part = await reader.read()) hasher.update(part.value)
  return hasher.digest('hex')
}

/** `sha256sum` output: `<hex>  <file>` lines, sorted by file name. */
export function formatSums(sums: { file: string; sha: string }[]): string {
  return [...sums].sort((a, b) => a.file.localeCompare(b.file)).map(({ file, sha }) => `${sha}  ${file}\n`).join('')
}
const mb = (file: string) => (Bun.file(file).size / 1e6).toFixed(1)

export function parseReleaseArgs(argv: string[]): ReleaseOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      outdir: { type: 'string' },
      version: { type: 'string' },
      archives: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) return 'help'
  const names = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  const targets = names.length === 0 ? RELEASE_TARGETS : [...new Set(names)].map(resolveTarget)
  const version = values.version?.replace(/^v/, '')
  if (version !== undefined && !isVersion(version)) throw new Error(`--version "${values.version}" is not a version, e.g. 0.2.0`)
  return { targets, outdir: resolve(ROOT, values.outdir ?? 'dist/release'), version, archives: values.archives === undefined ? undefined : parseArchiveKinds(values.archives) }
}

function parseArchiveKinds(value: string): ArchiveKind[] {
  if (value.trim() === 'none') return []
  const kinds = [...new Set(value.split(',').map((v) => v.trim()).filter(Boolean))]
  for (const kind of kinds) if (!(ARCHIVE_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown archive "${kind}". Archives: ${ARCHIVE_KINDS.join(', ')}, or none`)
  return kinds as ArchiveKind[]
}

function resolveTarget(name: string): ReleaseTarget {
  const wanted = name === 'host' ? hostTargetName() : name
  const target = findTarget(wanted)
  if (target) return target
  const what = name === 'host' ? `this machine (${wanted}) is not a release target` : `unknown target "${name}"`
  throw new Error(`${what}. Targets: ${RELEASE_TARGETS.map((t) => t.name).join(', ')}`)
}

if (import.meta.main) {
  let opts: ReleaseOptions | 'help'
  try {
    opts = parseReleaseArgs(process.argv.slice(2))
  } catch (error) {
    console.error(`release: ${error instanceof Error ? error.message : error}\n\n${USAGE}`)
    process.exit(2)
  }
  if (opts === 'help') {
    console.log(USAGE)
    process.exit(0)
  }
  try {
    await release(opts)
  } catch (error) {
    console.error(`release failed: ${error instanceof Error ? error.message : error}`)
    process.exit(1)
  }
}
