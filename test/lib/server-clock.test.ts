import { describe, expect, test } from 'bun:test'
import { createServerClock, measureSkew } from '../../src/lib/server-clock'

const LOCAL = Date.parse('2026-01-01T12:00:00.000Z')
/** What a `Date` header carries: whole seconds. */
const headerTime = (ms: number) => Date.parse(new Date(ms).toUTCString())

describe('measureSkew', () => {
  test('learns a clock ten minutes behind the server', () => {
    const skew = measureSkew(headerTime(LOCAL + 600_000), LOCAL)!
    expect(Math.abs(skew - 600_000)).toBeLessThanOrEqual(1_000)
  })

  test('learns a clock ten minutes ahead of the server', () => {
    const skew = measureSkew(headerTime(LOCAL - 600_000), LOCAL)!
    expect(Math.abs(skew + 600_000)).toBeLessThanOrEqual(1_000)
  })

  test('treats a difference within the header resolution as no skew', () => {
    expect(measureSkew(headerTime(LOCAL), LOCAL + 400)).toBe(0)
    expect(measureSkew(headerTime(LOCAL + 999), LOCAL)).toBe(0)
  })

  test('ignores an unreadable time', () => {
    expect(measureSkew(Number.NaN, LOCAL)).toBeNull()
  })
})

describe('createServerClock', () => {
  test('now() follows the local clock shifted by the learned skew', () => {
    let local = LOCAL
    const clock = createServerClock(() => local)
    expect(clock.now()).toBe(LOCAL)
    clock.learn(headerTime(LOCAL + 600_000), LOCAL)
    local += 5_000
    expect(Math.abs(clock.now() - (LOCAL + 605_000))).toBeLessThanOrEqual(1_000)
  })

  test('keeps what it knew when a time is unreadable', () => {
    const clock = createServerClock(() => LOCAL, 42_000)
    clock.learn(Number.NaN, LOCAL)
    expect(clock.skewMs()).toBe(42_000)
  })

  test('starts from a skew remembered by an earlier process', () => {
    expect(createServerClock(() => LOCAL, -600_000).now()).toBe(LOCAL - 600_000)
  })
})
