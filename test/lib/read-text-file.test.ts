import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readTextFile } from '../../src/lib/read-text-file'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pensar-read-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Lines of /proc/self/maps that map `path` (Linux): a live mapping of the file. */
const mappingsOf = (path: string) => readFileSync('/proc/self/maps', 'utf8').split('\n').filter((line) => line.endsWith(path))

describe('readTextFile', () => {
  test('reads UTF-8 text', () => {
    const path = join(dir, 'a.json')
    writeFileSync(path, '{"name":"Zoë ✓"}\n')
    expect(readTextFile(path)).toEqual({ text: '{"name":"Zoë ✓"}\n', utf8: true })
  })

  test('bytes that are not UTF-8 are U+FFFD, and it says so', () => {
    const path = join(dir, 'latin1.json')
    writeFileSync(path, Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])) // {"n":"é"} in ISO-8859-1
    expect(readTextFile(path)).toEqual({ text: '{"n":"\uFFFD"}', utf8: false })
  })

  test('a file larger than maxBytes is refused before it is decoded (EFBIG)', () => {
    const path = join(dir, 'big.json')
    writeFileSync(path, 'x'.repeat(2048))
    expect(() => readTextFile(path, { maxBytes: 1024 })).toThrow(expect.objectContaining({ code: 'EFBIG' }))
    expect(readTextFile(path, { maxBytes: 4096 })?.text).toHaveLength(2048)
  })

  test.skipIf(process.platform === 'win32')('a FIFO in the file\'s place is refused, not read forever', () => {
    const path = join(dir, 'fifo.json')
    expect(Bun.spawnSync(['mkfifo', path]).exitCode).toBe(0)
    expect(() => readTextFile(path)).toThrow(expect.objectContaining({ code: 'ENOTFILE' }))
  })

  test('a missing file is undefined', () => {
    expect(readTextFile(join(dir, 'missing.json'))).toBeUndefined()
    expect(readTextFile(join(dir, 'no-folder', 'missing.json'))).toBeUndefined()
  })

  test('an empty file is an empty string (mmap refuses length 0; node:fs reads it)', () => {
    const path = join(dir, 'empty.json')
    writeFileSync(path, '')
    expect(readTextFile(path)?.text).toBe('')
  })

  test('any other failure is the real error', () => {
    expect(() => readTextFile(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }))
  })

  test.skipIf(process.platform !== 'linux')('no mapping of the file outlives the call', () => {
    const path = join(dir, 'auth.json')
    writeFileSync(path, 'x'.repeat(10_000))
    expect(readTextFile(path)?.text).toHaveLength(10_000)
    expect(mappingsOf(path)).toEqual([])
  })

  test('a file replaced by rename reads as the new one', () => {
    const path = join(dir, 'config.json')
    writeFileSync(path, 'old')
    expect(readTextFile(path)?.text).toBe('old')
    writeFileSync(`${path}.tmp`, 'new')
    renameSync(`${path}.tmp`, path)
    expect(readTextFile(path)?.text).toBe('new')
  })
})
