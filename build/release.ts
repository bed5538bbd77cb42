// `bun run release [--only linux-x64,host] [--outdir dir]`: cross-compiles pensar for every
// platform we ship into dist/release/, with the exact flags of `bun run build` (compileArgs),
// and writes SHA256SUMS in the format `sha256sum -c` and install.sh read.
// Everything is built into a sibling staging folder first; the release folder is replaced only
// when every binary was built and checked, so a failed run never leaves a partial release.
import { renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pkg from '../package.json'
import { buildInfo, checkStarts, compile } from './compile'
import { findTarget, hostTargetName, platformOfExecutable, RELEASE_TARGETS, type ReleaseTarget } from './release-targets'

const ROOT = resolve(import.meta.dir, '..')

const USAGE = `Usage: bun run release [--only <targets>] [--outdir <dir>]
  --only    comma-separated targets to build (default: all). "host" means this machine's.
            Targets: ${RELEASE_TARGETS.map((t) => t.name).join(', ')}
  --outdir  where the release goes (default: dist/release); its old contents are replaced`

export interface ReleaseOptions {
  targets: readonly ReleaseTarget[]
  outdir: string
  log?: (line: string) => void
}

export async function release({ targets, outdir, log = console.log }: ReleaseOptions): Promise<void> {
  const staging = `${outdir}.partial-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  try {
    // One commit and build date for the whole release; only the target differs per binary.
    const shared = buildInfo()
    const sums: { file: string; sha: string }[] = []
    for (const target of targets) {
      const outfile = resolve(staging, target.file)
      await compile({ outfile, target: target.bunTarget }, { ...shared, target: target.name })
      // The source map is embedded in the binary (--sourcemap); the side file is not an asset.
      rmSync(`${outfile}.map`, { force: true })
      await checkPlatform(outfile, target)
      const started = target.name === hostTargetName() ? `, runs: ${checkVersion(outfile)}` : ''
      const sha = await sha256(outfile)
      sums.push({ file: target.file, sha })
      log(`built ${target.file} (${mb(outfile)} MB, sha256 ${sha.slice(0, 12)}…${started})`)
    }
    await Bun.write(resolve(staging, 'SHA256SUMS'), formatSums(sums))
    rmSync(outdir, { recursive: true, force: true })
    renameSync(staging, outdir)
    log(`release ${pkg.version} (${shared.commit}): ${targets.length} ${targets.length === 1 ? 'binary' : 'binaries'} and SHA256SUMS in ${outdir}`)
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

async function checkPlatform(file: string, target: ReleaseTarget): Promise<void> {
  const head = new Uint8Array(await Bun.file(file).slice(0, 4096).arrayBuffer())
  const found = platformOfExecutable(head)
  if (found !== target.name) throw new Error(`${file} should be a ${target.name} executable but its header says ${found ?? 'unknown'}`)
}

function checkVersion(binary: string): string {
  const line = checkStarts(binary).split('\n')[0] ?? ''
  if (!line.includes(pkg.version)) throw new Error(`${binary} --version printed "${line}", which lacks version ${pkg.version}`)
  return line
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
const mb = (file: string) => (Bun.file(file).size / 1e6).toFixed(0)

export function parseReleaseArgs(argv: string[]): ReleaseOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: 'string', multiple: true }, outdir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) return 'help'
  const names = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  const targets = names.length === 0 ? RELEASE_TARGETS : [...new Set(names)].map(resolveTarget)
  return { targets, outdir: resolve(ROOT, values.outdir ?? 'dist/release') }
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
