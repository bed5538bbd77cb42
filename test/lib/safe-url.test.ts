import { describe, expect, test } from 'bun:test'
import { assertSafeUrl, unsafeUrlReason } from '../../src/lib/safe-url'

describe('safe-url', () => {
  test.each([
    ['https://console.pensar.dev/device', true],
    ['http://127.0.0.1:4100/device', true],
    ['http://localhost:8080/x', true],
    ['http://[::1]:3000/x', true],
    ['http://evil.example/device', false],
    ['http://127.0.0.1.evil.example/x', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['data:text/html,hi', false],
    ['not a url', false],
  ])('%s safe=%p', (url, safe) => {
    expect(unsafeUrlReason(url) === undefined).toBe(safe)
  })

  test('the error says what was refused and why', () => {
    expect(() => assertSafeUrl('javascript:alert(1)', 'verification address')).toThrow(/unsafe verification address \("javascript:alert\(1\)"\): javascript: addresses are never opened/)
  })
})
