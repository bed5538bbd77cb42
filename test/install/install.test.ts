// install.sh against a local server that serves a release built for this machine
// (test/helpers/release-build.ts): archive choice, checksums, unpacking, the musl check.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkg from '../../package.json'
import { findTarget, hostTargetName } from '../../build/release-targets'
import { hostRelease } from '../helpers/release-build'
import { pathWith, ROOT, run, serveRelease, type ReleaseServer } from './support'

const SLOW = 60_000
const INSTALL_SH = join(ROOT, 'install.sh')
const SUPPORTED = ['linux-x64', 'linux-x64-musl', 'linux-arm64', 'darwin-x64', 'darwin-arm64']
const BINARY = `pensar-${hostTargetName()}`
/** What install.sh fetches on a machine with xz: the smallest archive. */
const ASSET = `${BINARY}.tar.xz`
const MB = 1e6

let root: string
let releaseDir: string
let server: ReleaseServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pensar-install-test-'))
  releaseDir = await hostRelease()
  server = await serveRelease(releaseDir, [pkg.version])
}, 600_000)

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
    expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/SHA256SUMS', `/good/latest/download/${ASSET}`])
    expect(result.stdout).toContain(`Downloading ${ASSET} from ${server.goodBase}/latest/download`)
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
      expect(server.requests.map((r) => r.path)).toEqual([`/good/download/v${pkg.version}/SHA256SUMS`, `/good/download/v${pkg.version}/${ASSET}`])
      expect(filesIn(dir)).toEqual(['pensar'])
      expect(filesIn(box.bin)).toEqual([])
      expect(result.stdout).not.toContain('not on your PATH')
    }
  }, SLOW)

  test.if(hostTargetName() === 'linux-x64')('on linux-x64 it downloads at most 45 MB: SHA256SUMS and the .tar.xz', () => {
    const downloaded = statSync(join(releaseDir, 'SHA256SUMS')).size + statSync(join(releaseDir, ASSET)).size
    expect(downloaded).toBeLessThanOrEqual(45 * MB)
    // and the .tar.xz is the smallest file of the build, which is why it is chosen first
    for (const other of [BINARY, `${BINARY}.tar.gz`]) expect(statSync(join(releaseDir, other)).size).toBeGreaterThan(statSync(join(releaseDir, ASSET)).size)
  })

  test('refuses a tampered archive before unpacking it and leaves nothing behind, not even a partial file', async () => {
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
    expect(windows.stderr).toContain('pensar-windows-x64.zip')
    expect(server.requests).toEqual([])
  }, SLOW)

  test('detection overrides choose the asset name, musl included', async () => {
    const box = sandbox(server.goodBase, { PENSAR_INSTALL_OS: 'Linux', PENSAR_INSTALL_ARCH: 'x86_64', PENSAR_INSTALL_LIBC: 'musl' })
    const result = await install(box)
    expect(result.code).toBe(1)
    expectMuslBuildTried(result.stderr)
  }, SLOW)

  test('a connection dropped in the middle of the archive installs nothing', async () => {
    const box = sandbox(server.dropBase)
    const old = writeOldPensar(box.bin)
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`could not download ${server.dropBase}/latest/download/${ASSET}`)
    expect(server.requests.map((r) => r.path)).toEqual(['/drop/latest/download/SHA256SUMS', `/drop/latest/download/${ASSET}`])
    expect(readFileSync(join(box.bin, 'pensar'), 'utf8')).toBe(old)
    expect(filesIn(box.bin)).toEqual(['pensar'])
    expect(filesIn(box.tmp)).toEqual([])
  }, SLOW)

  test('a version that does not exist gets a clear message and installs nothing', async () => {
    const box = sandbox(server.goodBase, { PENSAR_VERSION: '9.9.9' })
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`could not download ${server.goodBase}/download/v9.9.9/SHA256SUMS`)
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
      // no tar on this PATH: the bare binary is the only file it can use
      expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/SHA256SUMS', `/good/latest/download/${BINARY}`])
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

describe('install.sh picks the smallest archive the system can unpack', () => {
  const BASICS = ['uname', 'mktemp', 'mkdir', 'cp', 'chmod', 'mv', 'rm', 'head', 'awk', 'tr', 'ls', 'grep', 'basename', 'curl', 'sha256sum']

  test('tar and gzip without xz: the .tar.gz', async () => {
    const box = sandbox(server.goodBase, { PENSAR_INSTALL_LIBC: 'glibc' })
    box.env.PATH = pathWith(join(box.home, 'only-tools'), [...BASICS, 'tar', 'gzip'])
    const result = await install(box)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/SHA256SUMS', `/good/latest/download/${BINARY}.tar.gz`])
    expect((await run([join(box.bin, 'pensar'), '--version'])).stdout).toContain(pkg.version)
    expect(filesIn(box.tmp)).toEqual([])
  }, SLOW)

  // Alpine's base image has busybox and nothing else: its sh, wget, sha256sum, tar and xzcat.
  test.if(Bun.which('busybox') !== null)('busybox alone, as on Alpine: the .tar.xz, fetched with its wget', async () => {
    const box = sandbox(server.goodBase, { PENSAR_INSTALL_LIBC: 'glibc' })
    const tools = join(box.home, 'busybox-only')
    mkdirSync(tools)
    const applets = ['sh', 'uname', 'mktemp', 'mkdir', 'cp', 'chmod', 'mv', 'rm', 'head', 'awk', 'tr', 'ls', 'grep', 'basename', 'wget', 'sha256sum', 'tar', 'xzcat', 'gzip']
    for (const applet of applets) symlinkSync(Bun.which('busybox')!, join(tools, applet))
    box.env.PATH = tools
    server.clear()
    const result = await run([join(tools, 'sh')], { env: box.env, stdin: Bun.file(INSTALL_SH) })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/SHA256SUMS', `/good/latest/download/${ASSET}`])
    expect(server.requests.map((r) => r.agent)).toEqual(['Wget', 'Wget'])
    expect((await run([join(box.bin, 'pensar'), '--version'])).stdout).toContain(pkg.version)
    expect(filesIn(box.tmp)).toEqual([])
  }, SLOW)
})

// No Alpine system is at hand: PENSAR_INSTALL_LIBC=musl says "this is musl", and the folders the
// libraries are looked for in (PENSAR_INSTALL_LIBDIRS, LD_LIBRARY_PATH) are made up per test.
describe('install.sh on musl checks for libstdc++ and libgcc before anything is installed', () => {
  const MUSL = { PENSAR_INSTALL_LIBC: 'musl', PENSAR_INSTALL_ARCH: 'x86_64' }
  const libFolder = (box: Sandbox, libs: string[]) => {
    const dir = join(box.home, `libs-${libs.length}`)
    mkdirSync(dir, { recursive: true })
    for (const lib of libs) writeFileSync(join(dir, lib), '')
    return dir
  }

  test('both missing: stops with the exact apk command, before any download', async () => {
    const box = sandbox(server.goodBase, MUSL)
    box.env.PENSAR_INSTALL_LIBDIRS = libFolder(box, [])
    const old = writeOldPensar(box.bin)
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('lacks: libstdc++.so.6 libgcc_s.so.1. Nothing was installed.')
    expect(result.stderr).toContain('`apk add libstdc++ libgcc`')
    expect(server.requests).toEqual([])
    expect(readFileSync(join(box.bin, 'pensar'), 'utf8')).toBe(old)
    expect(filesIn(box.tmp)).toEqual([])
  }, SLOW)

  test('with apk on the PATH (Alpine) the hint is the command itself', async () => {
    const box = sandbox(server.goodBase, MUSL)
    box.env.PENSAR_INSTALL_LIBDIRS = libFolder(box, ['libstdc++.so.6'])
    const fakeApk = join(box.home, 'apk-bin')
    mkdirSync(fakeApk)
    writeFileSync(join(fakeApk, 'apk'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
    box.env.PATH = `${fakeApk}:${box.env.PATH}`
    const result = await install(box)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('lacks: libgcc_s.so.1.')
    expect(result.stderr).toContain('Install them with `apk add libstdc++ libgcc` (as root), then run this again.')
    expect(server.requests).toEqual([])
  }, SLOW)

  test('both present, in the library folders or in LD_LIBRARY_PATH: it goes on to the musl build', async () => {
    for (const where of ['libdirs', 'ld_library_path']) {
      const box = sandbox(server.goodBase, MUSL)
      const libs = libFolder(box, ['libstdc++.so.6', 'libgcc_s.so.1'])
      box.env.PENSAR_INSTALL_LIBDIRS = where === 'libdirs' ? libs : libFolder(box, [])
      if (where === 'ld_library_path') box.env.LD_LIBRARY_PATH = libs
      const result = await install(box)
      expect({ where, code: result.code }).toEqual({ where, code: 1 })
      expectMuslBuildTried(result.stderr)
    }
  }, SLOW)

  test("its list is what the release build lets the musl binary link against (build/release-targets.ts)", () => {
    const listed = /^MUSL_LIBS="([^"]*)"$/m.exec(readFileSync(INSTALL_SH, 'utf8'))?.[1]?.split(' ')
    expect(listed).toEqual([...findTarget('linux-x64-musl')!.links!.checkedByInstaller])
  })
})

/**
 * What installing the musl build ends in here: a host-only release has none (SHA256SUMS does not
 * list it); a full release has it, and this glibc machine cannot start it. Either way, after the
 * musl check let it through.
 */
function expectMuslBuildTried(stderr: string) {
  const musl = 'pensar-linux-x64-musl'
  if (existsSync(join(releaseDir, musl))) {
    expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/SHA256SUMS', `/good/latest/download/${musl}.tar.xz`])
    expect(stderr).toContain('the downloaded pensar does not start on this machine (linux-x64-musl)')
  } else {
    expect(server.requests.map((r) => r.path)).toEqual(['/good/latest/download/SHA256SUMS'])
    expect(stderr).toContain(`this release has no ${musl}`)
  }
}

function writeOldPensar(bin: string): string {
  const script = '#!/bin/sh\necho "pensar 0.0.1 (old)"\n'
  mkdirSync(bin, { recursive: true })
  writeFileSync(join(bin, 'pensar'), script, { mode: 0o755 })
  return script
}
