// `bun run release`. The full six-platform build is slow and large (~640 MB), so it runs only
// with PENSAR_TEST_RELEASE=1; the host-only build runs always.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkg from '../../package.json'
import { hostTargetName, platformOfExecutable, RELEASE_TARGETS } from '../../build/release-targets'
import { run } from './support'

const SLOW = 60_000
const ALL_FILES = [
  'SHA256SUMS',
  'pensar-darwin-arm64',
  'pensar-darwin-x64',
  'pensar-linux-arm64',
  'pensar-linux-x64',
  'pensar-linux-x64-musl',
  'pensar-windows-x64.exe',
]

let root: string
beforeAll(() => void (root = mkdtempSync(join(tmpdir(), 'pensar-release-test-'))))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const release = (...args: string[]) => run([process.execPath, 'build/release.ts', ...args], { env: { ...process.env } as Record<string, string> })
const head = (file: string) => new Uint8Array(readFileSync(file).subarray(0, 4096))

describe('bun run release', () => {
  test('an unknown target is a usage error that lists the targets, and builds nothing', async () => {
    const outdir = join(root, 'unknown')
    const result = await release('--only', 'linux-x64,solaris-sparc', '--outdir', outdir)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('unknown target "solaris-sparc"')
    for (const t of RELEASE_TARGETS) expect(result.stderr).toContain(t.name)
    expect(readdirSync(root)).not.toContain('unknown')
  })

  test('--only host builds the host binary that runs, with a matching SHA256SUMS', async () => {
    const outdir = join(root, 'host')
    const result = await release('--only', 'host', '--outdir', outdir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const asset = `pensar-${hostTargetName()}`
    expect(readdirSync(outdir).sort()).toEqual(['SHA256SUMS', asset])
    expect(result.stdout).toContain(pkg.version)
    expect(readFileSync(join(outdir, 'SHA256SUMS'), 'utf8')).toMatch(new RegExp(`^[0-9a-f]{64}  ${asset}\\n$`))
    expect(platformOfExecutable(head(join(outdir, asset)))).toBe(hostTargetName())
    const verify = Bun.spawnSync(['sha256sum', '-c', 'SHA256SUMS'], { cwd: outdir })
    expect(verify.stdout.toString()).toBe(`${asset}: OK\n`)
  }, SLOW)

  test('a second release replaces the folder rather than mixing old and new files', async () => {
    const outdir = join(root, 'replace')
    await Bun.write(join(outdir, 'pensar-stale'), 'old')
    const result = await release('--only', 'host', '--outdir', outdir)
    expect(result.code).toBe(0)
    expect(readdirSync(outdir).sort()).toEqual(['SHA256SUMS', `pensar-${hostTargetName()}`])
    expect(readdirSync(root).filter((f) => f.includes('.partial-'))).toEqual([])
  }, SLOW)

  test('platformOfExecutable rejects what is not an executable', () => {
    expect(platformOfExecutable(new Uint8Array(10))).toBeUndefined()
    expect(platformOfExecutable(new TextEncoder().encode('#!/bin/sh\n'.padEnd(128, '#')))).toBeUndefined()
  })

  test.if(process.env.PENSAR_TEST_RELEASE === '1')('builds all six platforms, each for the platform its name says', async () => {
    const outdir = join(root, 'all')
    const result = await release('--outdir', outdir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(readdirSync(outdir).sort()).toEqual(ALL_FILES)
    for (const t of RELEASE_TARGETS) expect(platformOfExecutable(head(join(outdir, t.file)))).toBe(t.name)
    const verify = Bun.spawnSync(['sha256sum', '-c', 'SHA256SUMS'], { cwd: outdir })
    expect(verify.exitCode).toBe(0)
    expect(verify.stdout.toString().trim().split('\n')).toHaveLength(6)
    rmSync(outdir, { recursive: true, force: true })
  }, 600_000)
})
