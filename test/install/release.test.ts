// `bun run release`: the script's options, and what a release holds (binaries, archives that
// stock tools unpack, release.json, pensar.rb, SHA256SUMS over everything), checked on the
// releases test/helpers/release-build.ts builds once. The full six-platform build (about 1.2 GB
// with its archives) runs only with PENSAR_TEST_RELEASE=1, or is the finished release named by
// PENSAR_TEST_RELEASE_DIR (the release workflow).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkg from '../../package.json'
import { elfLinks, linkProblems } from '../../build/elf-links'
import { findTarget, hostTargetName, platformOfExecutable, RELEASE_TARGETS } from '../../build/release-targets'
import { checksumFor } from '../../src/flows/upgrade/release-files'
import { FINISHED_RELEASE, formulaRelease, hostRelease, releaseBinary } from '../helpers/release-build'
import { run } from './support'

const SLOW = 60_000
const HOST = `pensar-${hostTargetName()}`

let root: string
beforeAll(() => void (root = mkdtempSync(join(tmpdir(), 'pensar-release-test-'))))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const release = (...args: string[]) => run([process.execPath, 'build/release.ts', ...args], { env: { ...process.env } as Record<string, string> })
const head = (file: string) => new Uint8Array(readFileSync(file).subarray(0, 4096))
const sha256sumCheck = (dir: string) => Bun.spawnSync(['sha256sum', '--strict', '-c', 'SHA256SUMS'], { cwd: dir })
/** Every file of a release folder but SHA256SUMS: what SHA256SUMS must list. */
const assetsIn = (dir: string) => readdirSync(dir).filter((f) => f !== 'SHA256SUMS').sort()
const listedIn = (dir: string) => readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n').map((line) => line.split('  ')[1]).sort()

describe('bun run release', () => {
  test('an unknown target or archive is a usage error that lists the choices, and builds nothing', async () => {
    const outdir = join(root, 'unknown')
    const target = await release('--only', 'linux-x64,solaris-sparc', '--outdir', outdir)
    expect(target.code).toBe(2)
    expect(target.stderr).toContain('unknown target "solaris-sparc"')
    for (const t of RELEASE_TARGETS) expect(target.stderr).toContain(t.name)
    const archive = await release('--only', 'host', '--archives', 'tar.bz2', '--outdir', outdir)
    expect(archive.code).toBe(2)
    expect(archive.stderr).toContain('unknown archive "tar.bz2". Archives: tar.gz, tar.xz, zip, or none')
    expect(readdirSync(root)).not.toContain('unknown')
  })

  test('--only host --archives none --version: the host binary stamped with that version, release.json and SHA256SUMS', async () => {
    const outdir = join(root, 'host')
    const result = await release('--only', 'host', '--archives', 'none', '--version', 'v0.3.0-rc.1', '--outdir', outdir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(readdirSync(outdir).sort()).toEqual(['SHA256SUMS', HOST, 'release.json'])
    expect(result.stdout).toContain('pensar.rb not written: it needs the .tar.gz archives')
    expect((await run([join(outdir, HOST), '--version', '--json'])).stdout).toContain('"version":"0.3.0-rc.1"')
    expect(JSON.parse(readFileSync(join(outdir, 'release.json'), 'utf8'))).toMatchObject({ name: 'pensar', version: '0.3.0-rc.1' })
    expect(platformOfExecutable(head(join(outdir, HOST)))).toBe(hostTargetName())
    expect(sha256sumCheck(outdir).stdout.toString()).toBe(`${HOST}: OK\nrelease.json: OK\n`)
  }, SLOW)

  test('a second release replaces the folder rather than mixing old and new files', async () => {
    const outdir = join(root, 'replace')
    await Bun.write(join(outdir, 'pensar-stale'), 'old')
    const result = await release('--only', 'host', '--archives', 'none', '--outdir', outdir)
    expect(result.code).toBe(0)
    expect(readdirSync(outdir).sort()).toEqual(['SHA256SUMS', HOST, 'release.json'])
    expect(readdirSync(root).filter((f) => f.includes('.partial-'))).toEqual([])
  }, SLOW)

  test('platformOfExecutable rejects what is not an executable', () => {
    expect(platformOfExecutable(new Uint8Array(10))).toBeUndefined()
    expect(platformOfExecutable(new TextEncoder().encode('#!/bin/sh\n'.padEnd(128, '#')))).toBeUndefined()
  })
})

describe("the host's release, with its archives", () => {
  let dir: string
  beforeAll(async () => void (dir = await hostRelease()), 600_000)

  test('holds the binary, its .tar.gz and .tar.xz, and release.json, all in SHA256SUMS', () => {
    expect(assetsIn(dir)).toEqual(expect.arrayContaining([HOST, `${HOST}.tar.gz`, `${HOST}.tar.xz`, 'release.json']))
    expect(listedIn(dir)).toEqual(assetsIn(dir))
    expect(sha256sumCheck(dir).exitCode).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8'))).toMatchObject({ name: 'pensar', version: pkg.version })
  })

  test.each(['tar.gz', 'tar.xz'])('the .%s unpacks with tar to one file, pensar, mode 755, the binary itself', async (kind) => {
    const out = mkdtempSync(join(root, `unpack-${kind}-`))
    const result = await run(['tar', kind === 'tar.gz' ? '-xzf' : '-xJf', join(dir, `${HOST}.${kind}`)], { cwd: out })
    expect(result.code).toBe(0)
    expect(readdirSync(out)).toEqual(['pensar'])
    expect(statSync(join(out, 'pensar')).mode & 0o777).toBe(0o755)
    const hash = (file: string) => new Bun.CryptoHasher('sha256').update(readFileSync(file)).digest('hex')
    expect(hash(join(out, 'pensar'))).toBe(checksumFor(readFileSync(join(dir, 'SHA256SUMS'), 'utf8'), HOST)!)
  }, SLOW)

  test.if(hostTargetName() === 'linux-x64')('the linux-x64 .tar.xz is at most 45 MB, smaller than the .tar.gz', () => {
    const size = (file: string) => statSync(join(dir, file)).size
    expect(size(`${HOST}.tar.xz`)).toBeLessThanOrEqual(45e6)
    expect(size(`${HOST}.tar.xz`)).toBeLessThan(size(`${HOST}.tar.gz`))
  })
})

describe('what the Linux builds link against', () => {
  test('the musl build needs musl, libstdc++ and nothing else; libgcc_s comes with libstdc++', async () => {
    const links = elfLinks(readFileSync(await releaseBinary('linux-x64-musl')))
    expect(links.interpreter).toBe('/lib/ld-musl-x86_64.so.1')
    expect(links.needed.sort()).toEqual(['libc.musl-x86_64.so.1', 'libstdc++.so.6'])
    expect(linkProblems(links, findTarget('linux-x64-musl')!.links!)).toEqual([])
  }, SLOW)

  test('a library the installer does not check for, or another loader, fails the release', () => {
    const allowed = findTarget('linux-x64-musl')!.links!
    expect(linkProblems({ interpreter: '/lib/ld-musl-x86_64.so.1', needed: ['libc.musl-x86_64.so.1', 'libstdc++.so.6', 'libz.so.1'] }, allowed)).toEqual([
      "links against libz.so.1, which install.sh does not check for (add it to the target's checkedByInstaller and install.sh's MUSL_LIBS)",
    ])
    expect(linkProblems({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.musl-x86_64.so.1'] }, allowed)).toEqual(['asks for the loader /lib64/ld-linux-x86-64.so.2, not /lib/ld-musl-x86_64.so.1'])
  })

  test('the glibc builds need only glibc', async () => {
    for (const name of ['linux-x64', 'linux-arm64']) {
      const links = elfLinks(readFileSync(await releaseBinary(name)))
      expect({ name, problems: linkProblems(links, findTarget(name)!.links!) }).toEqual({ name, problems: [] })
      expect(links.needed).toContain('libc.so.6')
    }
  }, SLOW)
})

describe('pensar.rb, the Homebrew formula', () => {
  let dir: string
  beforeAll(async () => void (dir = await formulaRelease()), 600_000)

  test('is valid Ruby (ruby -c)', async () => {
    const result = await run(['ruby', '-c', join(dir, 'pensar.rb')])
    expect({ code: result.code, out: result.stdout.trim(), err: result.stderr }).toEqual({ code: 0, out: 'Syntax OK', err: '' })
  })

  test("names each platform's .tar.gz with the sha256 SHA256SUMS lists, and installs and tests pensar", () => {
    const formula = readFileSync(join(dir, 'pensar.rb'), 'utf8')
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8')
    const version = JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')).version as string
    const pairs = [...formula.matchAll(/url "([^"]+)"\n\s+sha256 "([0-9a-f]{64})"/g)].map(([, url, sha]) => ({ url, sha }))
    expect(pairs.map((p) => p.url)).toEqual(
      ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64'].map((t) => `https://github.com/pensarai/pensar-cli/releases/download/v${version}/pensar-${t}.tar.gz`),
    )
    for (const { url, sha } of pairs) expect(sha).toBe(checksumFor(sums, url!.slice(url!.lastIndexOf('/') + 1))!)
    expect(formula).toContain(`version "${version}"`)
    expect(formula).toContain('bin.install "pensar"')
    expect(formula).toMatch(/test do\n\s+assert_match version.to_s, shell_output\("#\{bin\}\/pensar --version"\)\n\s+end/)
    expect(listedIn(dir)).toEqual(assetsIn(dir))
  })
})

// The whole release: six builds, each with its archives, checked file by file.
const FULL = FINISHED_RELEASE ?? (process.env.PENSAR_TEST_RELEASE === '1' ? 'build' : undefined)
describe.if(FULL !== undefined)('the full release', () => {
  let dir: string
  beforeAll(async () => {
    if (FINISHED_RELEASE) return void (dir = FINISHED_RELEASE)
    dir = join(root, 'all')
    const result = await release('--outdir', dir)
    if (result.code !== 0) throw new Error(`release failed:\n${result.stdout}${result.stderr}`)
  }, 1_800_000)

  test('every platform: its binary for that platform and its archives; then release.json, pensar.rb, SHA256SUMS over all', async () => {
    const expected = RELEASE_TARGETS.flatMap((t) => (t.name.startsWith('windows-') ? [t.file, `pensar-${t.name}.zip`] : [t.file, `${t.file}.tar.gz`, `${t.file}.tar.xz`]))
    expect(assetsIn(dir)).toEqual([...expected, 'pensar.rb', 'release.json'].sort())
    for (const t of RELEASE_TARGETS) expect({ file: t.file, platform: platformOfExecutable(head(join(dir, t.file))) }).toEqual({ file: t.file, platform: t.name })
    expect(listedIn(dir)).toEqual(assetsIn(dir))
    expect(sha256sumCheck(dir).exitCode).toBe(0)
    const zip = await run(['unzip', '-Z1', join(dir, 'pensar-windows-x64.zip')])
    expect(zip.stdout).toBe('pensar.exe\n')
    expect((await run(['unzip', '-tq', join(dir, 'pensar-windows-x64.zip')])).code).toBe(0)
  }, SLOW)
})
