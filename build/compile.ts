// `bun run build`: compiles src/entry.ts into one self-contained executable, then runs it once.
// The flags are the ones ../shared/toolchain-notes.md measured: ESM bytecode (faster start-up,
// and consola breaks bytecode without ESM), an embedded source map, and no autoloading of the
// user's `.env` or `bunfig.toml`, so files in the folder `pensar` runs in cannot change it.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import pkg from '../package.json'

const ROOT = resolve(import.meta.dir, '..')

export interface CompileOptions {
  /** A `bun build --target`, e.g. `bun-linux-x64`; the host's when absent. */
  target?: string
  outfile: string
  entry?: string
}

export interface BuildInfo {
  version: string
  commit: string
  buildDate: string
  target: string
}

export function hostTarget(): string {
  return `bun-${process.platform}-${process.arch}`
}

export function buildInfo(target = hostTarget()): BuildInfo {
  const git = Bun.spawnSync(['git', 'rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, stderr: 'ignore' })
  const commit = git.exitCode === 0 ? git.stdout.toString().trim() : 'unknown'
  return { version: pkg.version, commit, buildDate: new Date().toISOString(), target: target.replace(/^bun-/, '') }
}

/** The exact argument list, shared by `build` and `release` so both builds are identical. */
export function compileArgs(opts: CompileOptions, info = buildInfo(opts.target)): string[] {
  const define = (name: string, value: string) => ['--define', `${name}=${JSON.stringify(value)}`]
  return [
    'build', resolve(ROOT, opts.entry ?? 'src/entry.ts'),
    // --splitting: each `import()` becomes its own chunk inside the binary. Without it the bundle
    // hoists every module's `node:*` imports to the top, so a lazy import still loads them at start.
    '--compile', '--minify', '--bytecode', '--format=esm', '--sourcemap', '--splitting',
    '--no-compile-autoload-dotenv', '--no-compile-autoload-bunfig',
    ...(opts.target ? [`--target=${opts.target}`] : []),
    ...define('process.env.NODE_ENV', 'production'),
    ...define('PENSAR_VERSION', info.version),
    ...define('PENSAR_COMMIT', info.commit),
    ...define('PENSAR_BUILD_DATE', info.buildDate),
    ...define('PENSAR_TARGET', info.target),
    '--outfile', opts.outfile,
  ]
}

export async function compile(opts: CompileOptions, info = buildInfo(opts.target)): Promise<void> {
  const outdir = dirname(opts.outfile)
  mkdirSync(outdir, { recursive: true })
  // --splitting also writes each chunk's source map beside the binary. The binary embeds them all
  // (stack traces map without them), so build in a scratch folder and keep only the binary and its map.
  const scratch = mkdtempSync(join(outdir, `.${basename(opts.outfile)}.build-`))
  try {
    const built = join(scratch, basename(opts.outfile))
    const proc = Bun.spawn([process.execPath, ...compileArgs({ ...opts, outfile: built }, info)], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    if (code !== 0) throw new Error(`bun build failed (exit ${code}):\n${out}${err}`)
    renameSync(built, opts.outfile)
    if (existsSync(`${built}.map`)) renameSync(`${built}.map`, `${opts.outfile}.map`)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** A bytecode build can exit 0 and still produce a binary that dies at start: run it. */
export function checkStarts(binary: string): string {
  const run = Bun.spawnSync([binary, '--version'], { env: { ...process.env, NO_COLOR: '1' }, stderr: 'pipe' })
  const out = run.stdout.toString().trim()
  if (run.exitCode !== 0 || !out) {
    throw new Error(`${binary} --version failed (exit ${run.exitCode}):\n${out}\n${run.stderr.toString()}`)
  }
  return out
}

if (import.meta.main) {
  const outfile = resolve(ROOT, process.argv[2] ?? 'dist/pensar')
  try {
    await compile({ outfile })
    console.log(`built ${outfile}: ${checkStarts(outfile).split('\n')[0]}`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
