// `pensar upgrade` for real: an older build of this machine's binary (test/helpers/release-build.ts)
// upgrades itself from a local server serving the release built here, in the states support.ts
// knows (as built, tampered with, dropping the connection, stalling).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkg from '../../package.json'
import { hostTargetName } from '../../build/release-targets'
import { hostRelease, OLDER_VERSION, olderHostBinary } from '../helpers/release-build'
import { run, serveRelease, type ReleaseServer } from './support'

const SLOW = 60_000
const ARCHIVE = `pensar-${hostTargetName()}.tar.gz`

let root: string
let releaseDir: string
let older: string
let server: ReleaseServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pensar-upgrade-test-'))
  ;[releaseDir, older] = await Promise.all([hostRelease(), olderHostBinary()])
  server = await serveRelease(releaseDir, [pkg.version])
}, 600_000)

afterAll(() => {
  server?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

let installs = 0
/** A folder holding a copy of the older build as `pensar`. */
function installOlder(): { dir: string; pensar: string } {
  const dir = join(root, `install-${++installs}`, 'bin')
  mkdirSync(dir, { recursive: true })
  const pensar = join(dir, 'pensar')
  copyFileSync(older, pensar)
  chmodSync(pensar, 0o755)
  return { dir, pensar }
}

function upgrade(pensar: string, base: string, args: string[] = [], prefix: string[] = []) {
  server.clear()
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, PENSAR_HOME: join(root, 'pensar-home'), NO_PROXY: '127.0.0.1', NO_COLOR: '1', PENSAR_INSTALL_BASE: base }
  return run([...prefix, pensar, 'upgrade', ...args], { env })
}

const versionOf = async (pensar: string) => (await run([pensar, '--version'])).stdout

describe('pensar upgrade against a local release server', () => {
  test('upgrades an older build to the release, then finds it up to date', async () => {
    const { dir, pensar } = installOlder()
    expect(await versionOf(pensar)).toContain(`pensar ${OLDER_VERSION} `)

    const result = await upgrade(pensar, server.goodBase, ['--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ event: 'upgraded', from: OLDER_VERSION, to: pkg.version, path: pensar })
    expect(result.stderr).toContain(`Upgraded ${pensar}: ${OLDER_VERSION} → ${pkg.version}.`)
    expect(server.requests.map((r) => r.path)).toEqual([
      '/good/latest/download/release.json',
      `/good/download/v${pkg.version}/SHA256SUMS`,
      `/good/download/v${pkg.version}/${ARCHIVE}`,
    ])
    expect(await versionOf(pensar)).toContain(`pensar ${pkg.version} `)
    expect(readdirSync(dir)).toEqual(['pensar'])

    const again = await upgrade(pensar, server.goodBase)
    expect(again.code).toBe(0)
    expect(again.stderr).toContain(`pensar ${pkg.version} is already up to date`)
    expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/release.json'])
  }, SLOW)

  test('--version fetches that release folder; a symlinked pensar has its target replaced', async () => {
    const { pensar } = installOlder()
    const link = join(root, `link-${installs}`)
    symlinkSync(pensar, link)
    const result = await upgrade(link, server.goodBase, ['--version', `v${pkg.version}`])
    expect(result.stderr).toContain(`Upgraded ${pensar}: ${OLDER_VERSION} → ${pkg.version}.`)
    expect(result.code).toBe(0)
    expect(server.requests.map((r) => r.path)).toEqual([`/good/download/v${pkg.version}/SHA256SUMS`, `/good/download/v${pkg.version}/${ARCHIVE}`])
    expect(await versionOf(link)).toContain(`pensar ${pkg.version} `)
  }, SLOW)

  test('a wrong checksum leaves the old binary in place and working, and nothing beside it', async () => {
    const { dir, pensar } = installOlder()
    const result = await upgrade(pensar, server.tamperedBase, ['--json'])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({ event: 'error', code: 'checksum_mismatch' })
    // the whole archive and the four bytes the server inserted arrived, and were refused
    expect(result.stderr).toContain(`Downloaded ${ARCHIVE} (${((statSync(join(releaseDir, ARCHIVE)).size + 4) / 1e6).toFixed(1)} MB)`)
    expect(result.stderr).toContain(`Checksum mismatch for ${ARCHIVE}`)
    expect(result.stderr).toContain('Nothing was changed.')
    expect(await versionOf(pensar)).toContain(`pensar ${OLDER_VERSION} `)
    expect(readdirSync(dir)).toEqual(['pensar'])
  }, SLOW)

  test('a connection dropped in the middle of the archive leaves the old binary working', async () => {
    const { dir, pensar } = installOlder()
    const result = await upgrade(pensar, server.dropBase)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`The download of ${server.dropBase}/download/v${pkg.version}/${ARCHIVE} was cut short`)
    expect(result.stderr).toContain('Run `pensar upgrade` again.')
    expect(await versionOf(pensar)).toContain(`pensar ${OLDER_VERSION} `)
    expect(readdirSync(dir)).toEqual(['pensar'])
  }, SLOW)

  test('Ctrl-C during the download exits 130 and leaves the old binary working', async () => {
    const { dir, pensar } = installOlder()
    server.clear()
    const stalled = server.nextStall()
    const env = { PATH: process.env.PATH ?? '', HOME: root, NO_PROXY: '127.0.0.1', PENSAR_INSTALL_BASE: server.stallBase }
    const proc = Bun.spawn([pensar, 'upgrade'], { env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
    try {
      await stalled
      proc.kill('SIGINT')
      expect(await proc.exited).toBe(130)
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL')
    }
    expect(await versionOf(pensar)).toContain(`pensar ${OLDER_VERSION} `)
    expect(readdirSync(dir)).toEqual(['pensar'])
  }, SLOW)

  // Root may write anywhere, so as root the binary runs as `nobody` in a folder root owns.
  test('a folder it cannot write to is refused before the download, naming the fix', async () => {
    const { dir, pensar } = installOlder()
    const asRoot = process.getuid?.() === 0
    if (asRoot) chmodSync(root, 0o755) // so that nobody can reach the binary
    else chmodSync(dir, 0o555)
    try {
      const prefix = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : []
      const result = await upgrade(pensar, server.goodBase, [], prefix)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`Cannot write to ${dir}, the folder pensar is installed in, so it cannot replace itself`)
      expect(result.stderr).toContain(`sudo ${pensar} upgrade`)
      expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/release.json'])
      expect(await versionOf(pensar)).toContain(`pensar ${OLDER_VERSION} `)
      expect(readdirSync(dir)).toEqual(['pensar'])
    } finally {
      chmodSync(dir, 0o755)
      chmodSync(root, 0o700)
    }
  }, SLOW)
})
