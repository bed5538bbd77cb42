import { describe, expect, test } from 'bun:test'
import { createHash, createHmac } from 'node:crypto'
import { signGatewayRequest } from '../../src/lib/gateway-signature'

describe('signGatewayRequest', () => {
  const body = JSON.stringify({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }] })

  test('signs timestamp, nonce, model and the body hash with the signing key', () => {
    const headers = signGatewayRequest({ signingKey: 'sk_key', model: 'claude-x', body, timestamp: 1_700_000_000.9, nonce: 'ab'.repeat(8) })
    const bodyHash = createHash('sha256').update(body).digest('hex')
    const expected = createHmac('sha256', 'sk_key').update(`1700000000\n${'ab'.repeat(8)}\nclaude-x\n${bodyHash}`).digest('hex')
    expect(headers).toEqual({
      'X-Pensar-Timestamp': '1700000000',
      'X-Pensar-Nonce': 'ab'.repeat(8),
      'X-Pensar-Signature': expected,
    })
  })

  test('makes a fresh 32-hex-character nonce per request', () => {
    const a = signGatewayRequest({ signingKey: 'k', model: 'm', body, timestamp: 1 })
    const b = signGatewayRequest({ signingKey: 'k', model: 'm', body, timestamp: 1 })
    expect(a['X-Pensar-Nonce']).toMatch(/^[0-9a-f]{32}$/)
    expect(a['X-Pensar-Nonce']).not.toBe(b['X-Pensar-Nonce'])
    expect(a['X-Pensar-Signature']).not.toBe(b['X-Pensar-Signature'])
  })

  test('a different body gives a different signature', () => {
    const sign = (text: string) => signGatewayRequest({ signingKey: 'k', model: 'm', body: text, timestamp: 1, nonce: 'n'.repeat(16) })
    expect(sign('{"a":1}')['X-Pensar-Signature']).not.toBe(sign('{"a":2}')['X-Pensar-Signature'])
  })
})
