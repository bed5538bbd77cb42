import { describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { resolvePath } from '../../src/lib/resolve-path'

describe('resolvePath', () => {
  test.each([
    [['/home/ana/.pensar']],
    [['/home/ana', '.pensar']],
    [['/home/ana/.pensar', 'auth.json']],
    [['/home/ana/', '.pensar']],
    [['/home//ana', '.pensar']],
    [['/home/ana/./x/../.pensar']],
    [['/home/ana/..']],
    [['/']],
    [['relative/.pensar']],
    [['.pensar', 'config.json']],
    [['/home/ana', '/etc']],
    [['/home/ana', '']],
    [['/home/ana', '..']],
  ])('%p is what path.resolve says', (segments) => {
    const [first, ...names] = segments
    expect(resolvePath(first!, ...names)).toBe(resolve(first!, ...names))
  })
})
