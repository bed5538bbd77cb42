// The Pensar gateway's request signature (docs/console-api.md §5): HMAC-SHA256 with the
// workspace signing key over `timestamp\nnonce\nmodel\nhex(sha256(body))`, lowercase hex.
import type * as NodeCrypto from 'node:crypto'

export const SIGNATURE_HEADERS = {
  timestamp: 'X-Pensar-Timestamp',
  nonce: 'X-Pensar-Nonce',
  signature: 'X-Pensar-Signature',
} as const

export interface SignatureInput {
  signingKey: string
  model: string
  /** The exact request bytes that will be sent. */
  body: string | Uint8Array
  /** Unix seconds, by the server's clock. */
  timestamp: number
  nonce?: string
}

export function signGatewayRequest(input: SignatureInput): Record<string, string> {
  // Required here, not imported: node:crypto costs ~2 ms to load, and most commands never sign.
  const { createHash, createHmac, randomBytes } = require('node:crypto') as typeof NodeCrypto
  const timestamp = String(Math.floor(input.timestamp))
  const nonce = input.nonce ?? randomBytes(16).toString('hex')
  const bodyHash = createHash('sha256').update(input.body).digest('hex')
  const signature = createHmac('sha256', input.signingKey)
    .update(`${timestamp}\n${nonce}\n${input.model}\n${bodyHash}`)
    .digest('hex')
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signature,
  }
}
