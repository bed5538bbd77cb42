// install.sh against a local server that serves a release built for this machine only.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkg from '../../package.json'
import { hostTargetName } from '../../build/release-targets'
import { buildHostRelease, pathWith, ROOT, run, serveRelease, type ReleaseServer } from './support'

const SLOW = 60_000
const INSTALL_SH = join(ROOT, 'install.sh')
const SUPPORTED = ['linux-x64', 'linux-x64-musl', 'linux-arm64', 'darwin-x64', 'darwin-arm64']
const ASSET = `pensar-${hostTargetName()}`

let root: string
let releaseDir: string
let server: ReleaseServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pensar-install-test-'))
  releaseDir = join(root, 'release')
  await buildHostRelease(releaseDir)
  server = serveRelease(releaseDir, [pkg.version])
}, 180_000)

afterAll(() => {
  server?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

interface Sandbox {
  home: string
  bin: string
  tmp: string
  env: Record<string, string>
}

let sandboxes = 0
/** A fresh HOME, install dir and TMPDIR, and the environment `curl … | sh` would run in. */
function sandbox(base = server.goodBase, extra: Record<string, string> = {}): Sandbox {
  const dir = join(root, `sandbox-${++sandboxes}`)
  const home = join(dir, 'home')
  const tmp = join(dir, 'tmp')
  mkdirSync(home, { recursive: true })
  mkdirSync(tmp)
  const bin = join(home, '.local', 'bin')
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: tmp, SHELL: '/bin/bash', NO_PROXY: '127.0.0.1', PENSAR_INSTALL_BASE: base, ...extra }
  return { home, bin, tmp, env }
}

/** Pipes install.sh into sh on stdin, exactly like the documented one-liner. */
function install(box: Sandbox) {
  server.clear()
  return run(['/bin/sh'], { env: box.env, stdin: Bun.file(INSTALL_SH) })
}

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : [])

describe('install.sh', () => {
  test('parses as POSIX sh in every shell available', async () => {
    const shells = [['/bin/sh', '-n'], ['dash', '-n'], ['bash', '--posix', '-n']].filter(([sh]) => Bun.which(sh!))
    expect(shells.length).toBeGreaterThan(0)
    for (const shell of shells) {
      const result = await run([...shell, INSTALL_SH])
      expect({ shell: shell[0], code: result.code, stderr: result.stderr }).toEqual({ shell: shell[0], code: 0, stderr: '' })
    }
  })

  test('installs the latest release into ~/.local/bin, and the installed pensar runs', async () => {
    const box = sandbox()
    const result = await install(box)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(server.requests.map((r) => r.path)).toEqual([`/good/latest/download/${ASSET}`, '/good/latest/download/SHA256SUMS'])
    expect(filesIn(box.bin)).toEqual(['pensar'])
    expect(filesIn(box.tmp)).toEqual([])

    const version = await run([join(box.bin, 'pensar'), '--version'])
    expect(version.code).toBe(0)
    expect(version.stdout).toContain(pkg.version)
    expect(result.stdout).toContain(`Installed ${join(box.bin, 'pensar')}`)
    // ~/.local/bin is not on the sandbox's PATH: the script says how to add it for bash.
    expect(result.stdout).toContain(`echo 'export PATH="${box.bin}:$PATH"' >> ~/.bashrc`)
  }, SLOW)

  test('PENSAR_VERSION and PENSAR_INSTALL_DIR pick the version folder and the install folder', async () => {
    for (const version of [pkg.version, `v${pkg.version}`]) {
      const box = sandbox(server.goodBase)
      const dir = join(box.home, 'tools')
      box.env.PENSAR_VERSION = version
      box.env.PENSAR_INSTALL_DIR = dir
      box.env.PATH = `${dir}:${box.env.PATH}`
      const result = await install(box)
      expect(result.code).toBe(0)
      expect(server.requests.map((r) => r.path)).toEqual([`/good/download/v${pkg.version}/${ASSET}`, `/good/download/v${pkg.version}/SHA256SUMS`])
      expect(filesIn(dir)).toEqual(['pensar'])
      expect(filesIn(box.bin)).toEqual([])
      expect(result.stdout).not.toContain('not on your PATH')
    }
  }, SLOW)

  test('refuses a tampered binary and leaves nothing behind, not even a partial file', async () => {
    const box = sandbox(server.tamperedBase)
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`checksum mismatch for ${ASSET}`)
    expect(result.stderr).toContain('Nothing was installed')
    expect(filesIn(box.bin)).toEqual([])
    expect(filesIn(box.tmp)).toEqual([])
  }, SLOW)

  test('a refused upgrade keeps the pensar that was installed', async () => {
    const box = sandbox(server.tamperedBase)
    const old = writeOldPensar(box.bin)
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('checksum mismatch')
    expect(filesIn(box.bin)).toEqual(['pensar'])
    expect(readFileSync(join(box.bin, 'pensar'), 'utf8')).toBe(old)
  }, SLOW)

  test('a second run upgrades in place by replacing the file in one rename', async () => {
    const box = sandbox()
    writeOldPensar(box.bin)
    const oldInode = statSync(join(box.bin, 'pensar')).ino
    const result = await install(box)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Upgraded ${join(box.bin, 'pensar')}: pensar 0.0.1 (old) -> `)
    expect(filesIn(box.bin)).toEqual(['pensar'])
    expect(statSync(join(box.bin, 'pensar')).ino).not.toBe(oldInode)
    expect((await run([join(box.bin, 'pensar'), '--version'])).stdout).toContain(pkg.version)

    const again = await install(box)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`Reinstalled ${join(box.bin, 'pensar')}`)
  }, SLOW)

  test('a binary that does not start on this machine is not installed over the old one', async () => {
    const box = sandbox(server.brokenBase)
    const old = writeOldPensar(box.bin)
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('the downloaded pensar does not start on this machine')
    expect(result.stderr).toContain('required CPU instruction missing')
    expect(filesIn(box.bin)).toEqual(['pensar'])
    expect(readFileSync(join(box.bin, 'pensar'), 'utf8')).toBe(old)
    expect(filesIn(box.tmp)).toEqual([])
  }, SLOW)

  test('Ctrl-C during the download stops with 130 and leaves nothing behind', async () => {
    const box = sandbox(server.stallBase)
    server.clear()
    const stalled = server.nextStall()
    // Its own process group, so the signal reaches sh and curl together, as Ctrl-C in a terminal does.
    const proc = Bun.spawn(['/bin/sh'], { env: box.env, stdin: Bun.file(INSTALL_SH), stdout: 'pipe', stderr: 'pipe', detached: true })
    try {
      await stalled
      process.kill(-proc.pid, 'SIGINT')
      expect(await proc.exited).toBe(130)
    } finally {
      if (proc.exitCode === null) process.kill(-proc.pid, 'SIGKILL')
    }
    expect(filesIn(box.tmp)).toEqual([])
    expect(filesIn(box.bin)).toEqual([])
  }, SLOW)

  test('an unknown architecture gets a clear message naming the supported platforms', async () => {
    const box = sandbox(server.goodBase, { PENSAR_INSTALL_ARCH: 'riscv64' })
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('pensar has no build for linux on riscv64')
    for (const platform of SUPPORTED) expect(result.stderr).toContain(platform)
    expect(server.requests).toEqual([])
    expect(filesIn(box.bin)).toEqual([])
  }, SLOW)

  test('musl on arm64 and Windows are refused with what to do instead', async () => {
    const musl = await install(sandbox(server.goodBase, { PENSAR_INSTALL_OS: 'linux', PENSAR_INSTALL_ARCH: 'aarch64', PENSAR_INSTALL_LIBC: 'musl' }))
    expect(musl.code).toBe(1)
    expect(musl.stderr).toContain('no build for linux on arm64 (musl)')
    const windows = await install(sandbox(server.goodBase, { PENSAR_INSTALL_OS: 'MINGW64_NT-10.0' }))
    expect(windows.code).toBe(1)
    expect(windows.stderr).toContain('pensar-windows-x64.exe')
    expect(server.requests).toEqual([])
  }, SLOW)

  test('detection overrides choose the asset name, musl included', async () => {
    const box = sandbox(server.goodBase, { PENSAR_INSTALL_OS: 'Linux', PENSAR_INSTALL_ARCH: 'x86_64', PENSAR_INSTALL_LIBC: 'musl' })
    const result = await install(box)
    // The release in this test holds only the host's binary, so the musl one is not found.
    expect(result.code).toBe(1)
    expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/pensar-linux-x64-musl'])
    expect(result.stderr).toContain('could not download')
  }, SLOW)

  test('a version that does not exist gets a clear message and installs nothing', async () => {
    const box = sandbox(server.goodBase, { PENSAR_VERSION: '9.9.9' })
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`could not download ${server.goodBase}/download/v9.9.9/${ASSET}`)
    expect(result.stderr).toContain('Check that version 9.9.9 exists')
    expect(filesIn(box.bin)).toEqual([])
    expect(filesIn(box.tmp)).toEqual([])
  }, SLOW)

  test('a PENSAR_VERSION that is not a version is rejected before any download', async () => {
    const result = await install(sandbox(server.goodBase, { PENSAR_VERSION: '1.0/../../evil' }))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('is not a version')
    expect(server.requests).toEqual([])
  }, SLOW)

  describe('without curl and sha256sum (wget and shasum instead)', () => {
    const TOOLS = ['uname', 'getconf', 'mktemp', 'mkdir', 'cp', 'chmod', 'mv', 'rm', 'head', 'awk', 'tr', 'ls', 'grep', 'ldd', 'basename', 'wget', 'shasum']
    const restricted = (box: Sandbox) => ({ ...box.env, PATH: pathWith(join(box.home, 'only-tools'), TOOLS) })

    test('installs with wget and verifies with shasum', async () => {
      const box = sandbox()
      box.env = restricted(box)
      const result = await install(box)
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(server.requests.map((r) => r.agent.split('/')[0])).toEqual(['Wget', 'Wget'])
      expect(filesIn(box.bin)).toEqual(['pensar'])
    }, SLOW)

    test('shasum also refuses a tampered binary', async () => {
      const box = sandbox(server.tamperedBase)
      box.env = restricted(box)
      const result = await install(box)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('checksum mismatch')
      expect(filesIn(box.bin)).toEqual([])
    }, SLOW)
  })
})

function writeOldPensar(bin: string): string {
  const script = '#!/bin/sh\necho "pensar 0.0.1 (old)"\n'
  mkdirSync(bin, { recursive: true })
  writeFileSync(join(bin, 'pensar'), script, { mode: 0o755 })
  return script
}
