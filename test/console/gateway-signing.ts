// Builds a signed gateway request exactly as docs/console-api.md §5 describes.
import { createHash, createHmac, randomBytes } from 'node:crypto'

export function signedMessageRequest(signingKey: string, body: string, model: string, opts: { timestamp?: number; nonce?: string } = {}) {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000))
  const nonce = opts.nonce ?? randomBytes(16).toString('hex')
  const bodyHash = createHash('sha256').update(body).digest('hex')
  const signature = createHmac('sha256', signingKey).update(`${timestamp}\n${nonce}\n${model}\n${bodyHash}`).digest('hex')
  return { 'x-pensar-timestamp': timestamp, 'x-pensar-nonce': nonce, 'x-pensar-signature': signature }
}
