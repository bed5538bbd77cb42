// The archive formats both ways: what build/archive.ts writes must unpack with the stock tools
// (GNU tar, busybox tar, unzip), and what `pensar upgrade` reads (src/flows/upgrade/read-*.ts)
// must read it, and archives made by those tools, and refuse damaged ones.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { tarOneFile, zipOneFile } from '../../build/archive'
import { extractTarEntry } from '../../src/flows/upgrade/read-tar'
import { readZipEntry } from '../../src/flows/upgrade/read-zip'
import type { FileWriter } from '../../src/lib/upgrade-system'
import { run } from './support'

const DATE = new Date('2026-03-04T05:06:08Z')
// Not a multiple of 512, and incompressible enough to span several deflate blocks.
const CONTENT = new Uint8Array(300_001).map((_, i) => (i * 7919 + (i >> 8)) & 0xff)

let root: string
beforeAll(() => void (root = mkdtempSync(join(tmpdir(), 'pensar-archive-'))))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function collector(): FileWriter & { bytes(): Uint8Array } {
  const parts: Uint8Array[] = []
  return {
    write: async (bytes) => void parts.push(bytes.slice()),
    close: async () => {},
    bytes: () => Buffer.concat(parts),
  }
}

const stream = (bytes: Uint8Array) => new Blob([new Uint8Array(bytes)]).stream()
const gunzipped = (gz: Uint8Array) => stream(gz).pipeThrough(new DecompressionStream('gzip'))

function write(name: string, bytes: Uint8Array): string {
  const path = join(root, name)
  writeFileSync(path, bytes)
  return path
}

describe('tar', () => {
  test('GNU tar lists and unpacks it: one file, pensar, 755, owner 0, the build date', async () => {
    const archive = write('one.tar', tarOneFile('pensar', CONTENT, DATE))
    const listed = await run(['tar', '--numeric-owner', '--utc', '-tvf', archive])
    expect(listed.stdout.trim()).toBe(`-rwxr-xr-x 0/0          ${CONTENT.length} 2026-03-04 05:06 pensar`)
    const out = mkdtempSync(join(root, 'gnu-'))
    expect((await run(['tar', '-xf', archive], { cwd: out })).code).toBe(0)
    expect(readFileSync(join(out, 'pensar'))).toEqual(Buffer.from(CONTENT))
    expect(statSync(join(out, 'pensar')).mode & 0o777).toBe(0o755)
  })

  test.if(Bun.which('busybox') !== null)('busybox tar (Alpine) unpacks it too', async () => {
    const archive = write('busybox.tar', tarOneFile('pensar', CONTENT, DATE))
    const out = mkdtempSync(join(root, 'busybox-'))
    expect((await run(['busybox', 'tar', '-xf', archive], { cwd: out })).code).toBe(0)
    expect(readFileSync(join(out, 'pensar'))).toEqual(Buffer.from(CONTENT))
  })

  test('the upgrade reads the file back out of the .tar.gz, chunk by chunk', async () => {
    const out = collector()
    await extractTarEntry(gunzipped(gzipSync(tarOneFile('pensar', CONTENT, DATE))), 'pensar', out)
    expect(out.bytes()).toEqual(Buffer.from(CONTENT))
  })

  test('it skips other entries, pax headers included, of an archive GNU tar made', async () => {
    const src = mkdtempSync(join(root, 'src-'))
    mkdirSync(join(src, 'docs'))
    writeFileSync(join(src, 'docs', 'README'), 'read me')
    writeFileSync(join(src, 'pensar'), CONTENT)
    const archive = join(root, 'pax.tar.gz')
    expect((await run(['tar', '--format=pax', '-czf', archive, 'docs', './pensar'], { cwd: src })).code).toBe(0)
    const out = collector()
    await extractTarEntry(gunzipped(readFileSync(archive)), 'pensar', out)
    expect(out.bytes()).toEqual(Buffer.from(CONTENT))
  })

  test('a damaged header, a cut-off archive and a missing file are errors, not a partial binary', async () => {
    const tar = tarOneFile('pensar', CONTENT, DATE)
    const damaged = tar.slice()
    damaged[10] = 0x41
    await expect(extractTarEntry(stream(damaged), 'pensar', collector())).rejects.toThrow('a tar header checksum does not match')
    await expect(extractTarEntry(stream(tar.subarray(0, 512 + 1000)), 'pensar', collector())).rejects.toThrow('the archive ends in the middle of an entry')
    await expect(extractTarEntry(stream(tar), 'pensar.exe', collector())).rejects.toThrow('the archive has no file named pensar.exe')
  })
})

describe('zip', () => {
  test('unzip lists and unpacks it: pensar.exe, rwxr-xr-x, intact', async () => {
    const archive = write('one.zip', await zipOneFile('pensar.exe', CONTENT, DATE))
    expect((await run(['unzip', '-tq', archive])).stdout).toContain('No errors detected')
    expect((await run(['unzip', '-Z', archive])).stdout).toMatch(/^-rwxr-xr-x .* pensar\.exe$/m)
    const out = mkdtempSync(join(root, 'unzip-'))
    expect((await run(['unzip', '-q', archive], { cwd: out })).code).toBe(0)
    expect(readFileSync(join(out, 'pensar.exe'))).toEqual(Buffer.from(CONTENT))
  })

  test('the upgrade reads the file back, and reads what the zip tool makes', async () => {
    expect(Buffer.from(readZipEntry(await zipOneFile('pensar.exe', CONTENT, DATE), 'pensar.exe'))).toEqual(Buffer.from(CONTENT))
    const src = mkdtempSync(join(root, 'zipsrc-'))
    writeFileSync(join(src, 'notes.txt'), 'first entry')
    writeFileSync(join(src, 'pensar.exe'), CONTENT)
    for (const level of ['-0', '-9']) {
      const archive = join(root, `tool${level}.zip`)
      expect((await run(['zip', '-q', level, archive, 'notes.txt', 'pensar.exe'], { cwd: src })).code).toBe(0)
      expect(Buffer.from(readZipEntry(readFileSync(archive), 'pensar.exe'))).toEqual(Buffer.from(CONTENT))
    }
  })

  test('a damaged byte fails the CRC-32; a missing file and a non-zip are errors', async () => {
    const zip = await zipOneFile('pensar.exe', new Uint8Array(1000), DATE)
    const damaged = zip.slice()
    const at = 30 + 'pensar.exe'.length + 2
    damaged[at] = damaged[at]! ^ 0xff
    expect(() => readZipEntry(damaged, 'pensar.exe')).toThrow(/damaged|invalid/)
    expect(() => readZipEntry(zip, 'pensar')).toThrow('the archive has no file named pensar')
    expect(() => readZipEntry(new Uint8Array(100), 'pensar.exe')).toThrow('not a zip archive')
  })
})
