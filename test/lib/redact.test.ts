import { describe, expect, test } from 'bun:test'
import { REDACTED, redactForm, redactText, redactValue } from '../../src/lib/redact'

describe('redact', () => {
  test('replaces secret-named fields at any depth', () => {
    expect(redactValue({ a: 1, refresh_token: 'x', nested: { apiKey: 'psk_1', list: [{ device_code: 'd' }] }, email: 'e@x' })).toEqual({
      a: 1, refresh_token: REDACTED, nested: { apiKey: REDACTED, list: [{ device_code: REDACTED }] }, email: 'e@x',
    })
  })

  test('keeps names that only describe a secret', () => {
    const doc = { token_endpoint: 'https://x/t', device_authorization_endpoint: 'https://x/d', token_type: 'Bearer', expires_in: 300, verification_uri: 'https://x/device' }
    expect(redactValue(doc)).toEqual(doc)
  })

  test('finds credentials in free text', () => {
    const text = 'Bearer abc.def token eyJhbGciOi.eyJzdWIi.sig rt_abcdefgh psk_12345678 sk_abcdefgh dc_abcdefgh'
    const out = redactText(text)
    for (const secret of ['abc.def', 'eyJhbGciOi', 'rt_abcdefgh', 'psk_12345678', 'sk_abcdefgh', 'dc_abcdefgh']) expect(out).not.toContain(secret)
    expect(out).toContain('Bearer [redacted]')
  })

  test('redacts form fields by name', () => {
    expect(redactForm('grant_type=x&device_code=secret&client_id=c')).toBe('grant_type=x&device_code=%5Bredacted%5D&client_id=c')
  })
})
