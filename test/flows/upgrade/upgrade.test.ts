// The upgrade flow with a fake network (FakeFetch) and a fake clock, on real files in a temporary
// folder: the "binaries" are shell scripts that answer `--version --json` like pensar does, so the
// flow's start check really runs them.
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { tarOneFile, zipOneFile } from '../../../build/archive'
import { upgrade } from '../../../src/flows/upgrade/upgrade'
import { CancelledError, PensarError, UsageError } from '../../../src/lib/errors'
import { createUpgradeSystem, type UpgradeSystem } from '../../../src/lib/upgrade-system'
import { createTestContext, type TestContext } from '../../helpers/context'
import { waitUntil } from '../../helpers/wait-until'

const BASE = 'https://releases.test/pensar'
const LATEST = '/pensar/latest/download/release.json'
const folder = (version: string) => `/pensar/download/v${version}`

let t: TestContext
afterEach(() => t?.cleanup())

/** A stand-in for a pensar binary: `--version --json` prints what a build of `version` would. */
function fakeBinary(version: string, target = 'linux-x64', exitCode = 0): string {
  return `#!/bin/sh\necho '{"version":"${version}","commit":"c0ffee","buildDate":"2026-01-01","target":"${target}"}'\nexit ${exitCode}\n`
}

const sha256 = (bytes: Uint8Array | string) => new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
const tarGz = (content: string, name = 'pensar') => new Uint8Array(gzipSync(tarOneFile(name, new TextEncoder().encode(content), new Date())))
const manifest = (version: string) => new Response(JSON.stringify({ name: 'pensar', version, commit: 'c0ffee', buildDate: '2026-01-01' }))

interface Setup {
  /** The installed binary's path. */
  binary: string
  dir: string
  system: UpgradeSystem
}

function setup(opts: { running?: string; target?: string; platform?: NodeJS.Platform; file?: string; vars?: Record<string, string>; system?: Partial<UpgradeSystem> } = {}): Setup {
  t = createTestContext({ env: { vars: { PENSAR_INSTALL_BASE: BASE, ...opts.vars } } })
  const dir = join(t.home, '..', 'bin')
  mkdirSync(dir, { recursive: true })
  const binary = join(dir, opts.file ?? 'pensar')
  writeFileSync(binary, fakeBinary(opts.running ?? '0.1.0', opts.target), { mode: 0o755 })
  const system = createUpgradeSystem({
    build: { version: opts.running ?? '0.1.0', commit: 'abc123', target: opts.target ?? 'linux-x64' },
    platform: opts.platform ?? 'linux',
    selfPath: async () => binary,
    fetch: t.fetch.fetch,
    ...opts.system,
  })
  return { binary, dir, system }
}

/** Serves release `version` from the fake network: SHA256SUMS and the archive. */
function serveRelease(version: string, archive: Uint8Array<ArrayBuffer>, file = 'pensar-linux-x64.tar.gz', sums = `${sha256(archive)}  ${file}\n`) {
  t.fetch.on('GET', `${folder(version)}/SHA256SUMS`, new Response(sums))
  t.fetch.on('GET', `${folder(version)}/${file}`, new Response(archive, { headers: { 'content-length': String(archive.length) } }))
}

/** A pensar.exe 0.1.0 whose renames go through `rename`, and release 0.2.0 (its .zip) served as the latest. */
async function windowsWithRelease(rename: UpgradeSystem['rename']): Promise<Setup> {
  const installed = setup({ platform: 'win32', target: 'windows-x64', file: 'pensar.exe', system: { rename } })
  const zip = await zipOneFile('pensar.exe', new TextEncoder().encode(fakeBinary('0.2.0', 'windows-x64')), new Date())
  t.fetch.on('GET', LATEST, manifest('0.2.0'))
  serveRelease('0.2.0', zip, 'pensar-windows-x64.zip')
  return installed
}

async function failure(promise: Promise<unknown>): Promise<PensarError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof PensarError)) throw new Error(`expected a PensarError, got ${String(error)}`)
  return error
}

describe('pensar upgrade', () => {
  test('replaces the binary with the latest release in one rename, verified against SHA256SUMS', async () => {
    const { binary, dir, system } = setup()
    const before = statSync(binary).ino
    t.fetch.on('GET', LATEST, manifest('0.2.0'))
    serveRelease('0.2.0', tarGz(fakeBinary('0.2.0')))

    const result = await upgrade(t.ctx, {}, system)

    expect(result).toEqual({ upgraded: true, from: '0.1.0', to: '0.2.0', path: binary })
    expect(t.fetch.requests.map((r) => r.path)).toEqual([LATEST, `${folder('0.2.0')}/SHA256SUMS`, `${folder('0.2.0')}/pensar-linux-x64.tar.gz`])
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.2.0'))
    expect(statSync(binary).ino).not.toBe(before)
    expect(statSync(binary).mode & 0o777).toBe(0o755)
    expect(readdirSync(dir)).toEqual(['pensar'])
    expect(t.ui.text).toContain(`Upgraded ${binary}: 0.1.0 → 0.2.0`)
    expect(t.ui.events).toEqual([{ event: 'upgraded', from: '0.1.0', to: '0.2.0', path: binary }])
    t.fetch.verify()
  })

  test('already on the latest release: says so and downloads nothing else', async () => {
    const { binary, system } = setup({ running: '0.2.0' })
    t.fetch.on('GET', LATEST, manifest('0.2.0'))
    const result = await upgrade(t.ctx, {}, system)
    expect(result).toEqual({ upgraded: false, version: '0.2.0', latest: '0.2.0', path: binary })
    expect(t.ui.text).toContain(`pensar 0.2.0 is already up to date (${binary})`)
    expect(t.ui.events).toEqual([{ event: 'up_to_date', version: '0.2.0', latest: '0.2.0', path: binary }])
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.2.0'))
    t.fetch.verify()
  })

  test('a build newer than the latest release is left alone: the latest is never a downgrade', async () => {
    const { binary, system } = setup({ running: '0.3.0-beta.1' })
    t.fetch.on('GET', LATEST, manifest('0.2.0'))
    const result = await upgrade(t.ctx, {}, system)
    expect(result.upgraded).toBe(false)
    expect(t.ui.text).toContain('newer than the latest release, 0.2.0; nothing to do')
    expect(t.ui.text).toContain('pensar upgrade --version 0.2.0')
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.3.0-beta.1'))
    t.fetch.verify()
  })

  test('--version installs that release, an older one too, without asking for the latest', async () => {
    for (const flag of ['0.0.5', 'v0.0.5']) {
      const { binary, system } = setup({ running: '0.1.0' })
      serveRelease('0.0.5', tarGz(fakeBinary('0.0.5')))
      const result = await upgrade(t.ctx, { version: flag }, system)
      expect(result).toEqual({ upgraded: true, from: '0.1.0', to: '0.0.5', path: binary })
      expect(t.fetch.calls(LATEST)).toEqual([])
      expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.0.5'))
      t.fetch.verify()
      t.cleanup()
    }
  })

  test('--version that is not a version is a usage error before any request', async () => {
    const { system } = setup()
    const error = await failure(upgrade(t.ctx, { version: '1.0/../../evil' }, system))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toContain('is not a version')
    expect(t.fetch.requests).toEqual([])
  })

  test('a wrong checksum changes nothing and leaves no file behind', async () => {
    const { binary, dir, system } = setup()
    t.fetch.on('GET', LATEST, manifest('0.2.0'))
    const archive = tarGz(fakeBinary('0.2.0'))
    serveRelease('0.2.0', archive, 'pensar-linux-x64.tar.gz', `${'0'.repeat(64)}  pensar-linux-x64.tar.gz\n`)
    const error = await failure(upgrade(t.ctx, {}, system))
    expect(error.code).toBe('checksum_mismatch')
    expect(error.message).toContain(`expected ${'0'.repeat(64)}, got ${sha256(archive)}. Nothing was changed.`)
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.1.0'))
    expect(readdirSync(dir)).toEqual(['pensar'])
    t.fetch.verify()
  })

  test('a release whose SHA256SUMS does not list the archive is refused before downloading it', async () => {
    const { system } = setup()
    t.fetch.on('GET', LATEST, manifest('0.2.0'))
    t.fetch.on('GET', `${folder('0.2.0')}/SHA256SUMS`, new Response(`${'a'.repeat(64)}  pensar-darwin-arm64.tar.gz\n`))
    const error = await failure(upgrade(t.ctx, {}, system))
    expect(error.code).toBe('not_found')
    expect(error.message).toContain('The release has no pensar-linux-x64.tar.gz')
    t.fetch.verify()
  })

  test('an unwritable folder is refused before the download, naming the fix', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' })
    const { binary, dir, system } = setup({ system: { createExecutable: () => Promise.reject(denied) } })
    t.fetch.on('GET', LATEST, manifest('0.2.0'))
    const error = await failure(upgrade(t.ctx, {}, system))
    expect(error.code).toBe('not_writable')
    expect(error.message).toContain(`Cannot write to ${dir}, the folder pensar is installed in`)
    expect(error.hint).toContain(`sudo ${binary} upgrade`)
    expect(error.hint).toContain('install.sh | sh')
    expect(t.fetch.requests.map((r) => r.path)).toEqual([LATEST])
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.1.0'))
  })

  test('a download cut short (fewer bytes than Content-Length, or a reset) changes nothing', async () => {
    const archive = tarGz(fakeBinary('0.2.0'))
    const half = archive.subarray(0, archive.length >> 1)
    const bodies = [
      () => new ReadableStream({ start: (c) => (c.enqueue(half), c.close()) }),
      () => new ReadableStream({ start: (c) => (c.enqueue(half), c.error(Object.assign(new Error('The socket connection was closed unexpectedly'), { code: 'ECONNRESET' }))) }),
    ]
    for (const body of bodies) {
      const { binary, dir, system } = setup()
      t.fetch.on('GET', LATEST, manifest('0.2.0'))
      t.fetch.on('GET', `${folder('0.2.0')}/SHA256SUMS`, new Response(`${sha256(archive)}  pensar-linux-x64.tar.gz\n`))
      t.fetch.on('GET', `${folder('0.2.0')}/pensar-linux-x64.tar.gz`, () => new Response(body(), { headers: { 'content-length': String(archive.length) } }))
      const error = await failure(upgrade(t.ctx, {}, system))
      expect(error.code).toBe('download_interrupted')
      expect(error.message).toContain(`was cut short after ${(half.length / 1e6).toFixed(1)} MB of ${(archive.length / 1e6).toFixed(1)} MB`)
      expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.1.0'))
      expect(readdirSync(dir)).toEqual(['pensar'])
      t.cleanup()
    }
  })

  test('a download that stops sending times out on the clock, and Ctrl-C stops it at once', async () => {
    for (const stop of ['silence', 'ctrl-c'] as const) {
      const { binary, dir, system } = setup()
      t.fetch.on('GET', LATEST, manifest('0.2.0'))
      t.fetch.on('GET', `${folder('0.2.0')}/SHA256SUMS`, new Response(`${'a'.repeat(64)}  pensar-linux-x64.tar.gz\n`))
      let started = false
      const stalled = new ReadableStream({ start: (c) => void (c.enqueue(new Uint8Array(1000)), (started = true)) })
      t.fetch.on('GET', `${folder('0.2.0')}/pensar-linux-x64.tar.gz`, () => new Response(stalled, { headers: { 'content-length': '5000000' } }))
      const running = failure(upgrade(t.ctx, {}, system))
      await waitUntil(() => started && readdirSync(dir).length === 2, 'the download to start')
      if (stop === 'silence') t.clock.advance(30_001)
      else t.abort.abort(new CancelledError())
      const error = await running
      if (stop === 'silence') expect({ code: error.code, message: error.message }).toMatchObject({ code: 'timeout', message: expect.stringContaining('sent nothing for 30 s') })
      else expect(error).toBeInstanceOf(CancelledError)
      expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.1.0'))
      expect(readdirSync(dir)).toEqual(['pensar'])
      t.cleanup()
    }
  })

  test('a new binary that does not start, or is another version or platform, is not put in place', async () => {
    const cases = [
      { archive: fakeBinary('0.2.0', 'linux-x64', 1), code: 'does_not_start' },
      { archive: fakeBinary('0.1.9'), code: 'wrong_build' },
      { archive: fakeBinary('0.2.0', 'linux-arm64'), code: 'wrong_build' },
    ]
    for (const c of cases) {
      const { binary, dir, system } = setup()
      t.fetch.on('GET', LATEST, manifest('0.2.0'))
      serveRelease('0.2.0', tarGz(c.archive))
      const error = await failure(upgrade(t.ctx, {}, system))
      expect(error.code).toBe(c.code)
      expect(error.message).toContain('Nothing was changed.')
      expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.1.0'))
      expect(readdirSync(dir)).toEqual(['pensar'])
      t.cleanup()
    }
  })

  test('an archive without pensar in it is refused', async () => {
    const { binary, system } = setup()
    t.fetch.on('GET', LATEST, manifest('0.2.0'))
    serveRelease('0.2.0', tarGz(fakeBinary('0.2.0'), 'something-else'))
    const error = await failure(upgrade(t.ctx, {}, system))
    expect(error.code).toBe('bad_archive')
    expect(error.message).toContain('the archive has no file named pensar')
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.1.0'))
  })

  test('Windows: the .zip, and the running pensar.exe renamed aside, never overwritten', async () => {
    // Windows refuses to replace or delete a running executable, but lets it be renamed.
    const running = new Set<string>()
    const { binary, dir, system } = await windowsWithRelease(async (from, to) => {
      if (running.has(to)) throw Object.assign(new Error(`EPERM: ${to} is running`), { code: 'EPERM' })
      renameSync(from, to)
      if (running.delete(from)) running.add(to)
    })
    running.add(binary)
    writeFileSync(`${binary}.old`, 'left by the upgrade before') // no longer running: deleted now

    const result = await upgrade(t.ctx, {}, system)

    expect(result).toMatchObject({ upgraded: true, to: '0.2.0' })
    expect(t.fetch.calls(`${folder('0.2.0')}/pensar-windows-x64.zip`)).toHaveLength(1)
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.2.0', 'windows-x64'))
    expect(readFileSync(`${binary}.old`, 'utf8')).toBe(fakeBinary('0.1.0', 'windows-x64'))
    expect(running.has(`${binary}.old`)).toBe(true)
    expect(readdirSync(dir).sort()).toEqual(['pensar.exe', 'pensar.exe.old'])
  })

  test('Windows: when the new file cannot take the name, the old one is moved back', async () => {
    const { binary, dir, system } = await windowsWithRelease(async (from, to) => {
      if (from.includes('.pensar-upgrade-')) throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' })
      renameSync(from, to)
    })
    const error = await failure(upgrade(t.ctx, {}, system))
    expect(error.code).toBe('replace_failed')
    expect(error.message).toContain('The old one is unchanged.')
    expect(readFileSync(binary, 'utf8')).toBe(fakeBinary('0.1.0', 'windows-x64'))
    expect(readdirSync(dir)).toEqual(['pensar.exe'])
  })

  test('refuses what it must not replace: a build run from source, a Homebrew install', async () => {
    const source = setup({ system: { build: { version: '0.0.0-dev', commit: 'dev', target: 'linux-x64' } } })
    const fromSource = await failure(upgrade(t.ctx, {}, source.system))
    expect(fromSource.code).toBe('not_a_release')
    t.cleanup()

    const brew = setup({ system: { selfPath: async () => '/opt/homebrew/Cellar/pensar/0.1.0/bin/pensar' } })
    const fromBrew = await failure(upgrade(t.ctx, {}, brew.system))
    expect(fromBrew.code).toBe('managed_install')
    expect(fromBrew.hint).toBe('Run `brew upgrade pensar`.')
    expect(t.fetch.requests).toEqual([])
  })

  test('PENSAR_INSTALL_BASE must be https (plain http only on this computer)', async () => {
    const { system } = setup({ vars: { PENSAR_INSTALL_BASE: 'http://mirror.example.com/pensar' } })
    const error = await failure(upgrade(t.ctx, {}, system))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toContain('plain http: is only allowed for this computer')
    expect(t.fetch.requests).toEqual([])
  })

  test('a base without a release.json says where it looked', async () => {
    const { system } = setup()
    t.fetch.on('GET', LATEST, new Response('Not Found', { status: 404 }))
    const error = await failure(upgrade(t.ctx, {}, system))
    expect(error.code).toBe('not_found')
    expect(error.message).toBe(`${BASE}/latest/download/release.json does not exist (HTTP 404).`)
    expect(error.hint).toContain('PENSAR_INSTALL_BASE')
  })
})
