import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { reserveDiskSpace } from '../../src/lib/disk-reserve'

const dir = mkdtempSync(join(tmpdir(), 'pensar-reserve-'))
afterEach(() => {
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { force: true })
})

describe('reserveDiskSpace', () => {
  test('holds the requested bytes in a 0600 file until released', () => {
    const path = join(dir, 'auth.json.reserve')
    const reservation = reserveDiskSpace(path, 65_536)
    expect(statSync(path).size).toBe(65_536)
    expect(statSync(path).blocks * 512).toBeGreaterThanOrEqual(65_536) // really allocated, not sparse
    expect(statSync(path).mode & 0o777).toBe(0o600)
    reservation.release()
    expect(existsSync(path)).toBe(false)
  })

  test('a failure throws the filesystem error and leaves nothing behind', () => {
    expect(() => reserveDiskSpace(join(dir, 'missing-folder', 'x.reserve'), 10)).toThrow(/ENOENT/)
    expect(readdirSync(dir)).toEqual([])
  })
})
