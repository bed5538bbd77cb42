// The ask flow on fakes: the signed streaming request, the answer written as it arrives however
// the network cuts it, the summary line and --json events, renewal before and during a stream,
// the gateway's refusals (402 mid-session, Apex Inference off, unknown model), Ctrl-C mid-answer,
// and server text kept harmless on a terminal.
import { afterEach, describe, expect, test } from 'bun:test'
import { createHash, createHmac } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ask, AnswerStoppedError } from '../../../src/flows/ask/ask'
import { newConversation } from '../../../src/flows/ask/conversation'
import { AuthError, CancelledError, EXIT, PensarError } from '../../../src/lib/errors'
import { createTestContext, TEST_API, type TestContext, type TestContextOptions } from '../../helpers/context'
import { json, oauthError, type RecordedRequest } from '../../helpers/fake-fetch'
import { answerSse, chunksOf, MESSAGES_PATH, MODELS_PATH, sseEvent, streamed, stubModels } from '../../helpers/gateway-stubs'
import { accessTokenExpiringIn, refreshedTokens, seedApiKeySession, seedWorkosSession, SIGNING, WORKSPACE } from '../../helpers/session-fixtures'
import { controlledStream } from '../../helpers/stream-response'
import { waitUntil } from '../../helpers/wait-until'

let t: TestContext
afterEach(() => t?.cleanup())

const TOKEN_PATH = '/user_management/authenticate'
// Two- three- and four-byte characters, so cuts land inside them.
const ANSWER = 'Server-side request forgery — SSRF — makes a server fetch URLs you choose. Ünïcödé 日本 🚀 done.'

async function loggedIn(opts: TestContextOptions & { accessTtlMs?: number } = {}) {
  t = createTestContext(opts)
  await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), opts.accessTtlMs ?? 240_000) })
  return t
}

const authFile = () => JSON.parse(readFileSync(join(t.home, 'auth.json'), 'utf8'))

function signatureValid(req: RecordedRequest): boolean {
  const ts = req.headers.get('x-pensar-timestamp')!
  const nonce = req.headers.get('x-pensar-nonce')!
  const bodyHash = createHash('sha256').update(req.body).digest('hex')
  const expected = createHmac('sha256', SIGNING).update(`${ts}\n${nonce}\n${(JSON.parse(req.body) as { model: string }).model}\n${bodyHash}`).digest('hex')
  return expected === req.headers.get('x-pensar-signature')
}

describe('asking', () => {
  test('a signed, streamed request as the stored user and workspace; the answer on stdout, then model, cost and balance', async () => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse(ANSWER), 64)))
    const result = await ask(t.ctx, { prompt: '  What is SSRF?  ' })
    expect(t.out.text).toBe(`${ANSWER}\n`)
    expect(t.ui.lines.at(-1)).toEqual({ kind: 'info', text: 'Answered by pensar-large for $0.01; $49.99 left.' })
    expect(result).toMatchObject({ answer: ANSWER, model: 'pensar-large', usage: { cost: 0.01, inputTokens: 3, outputTokens: 9 }, balance: 49.99 })
    const sent = t.fetch.calls(MESSAGES_PATH)[0]!
    expect(sent.url).toBe(`${TEST_API}${MESSAGES_PATH}`)
    expect(JSON.parse(sent.body)).toEqual({ model: 'pensar-large', messages: [{ role: 'user', content: 'What is SSRF?' }], stream: true })
    expect(sent.headers.get('accept')).toBe('text/event-stream')
    expect(sent.headers.get('authorization')).toBe(`Bearer ${authFile().accessToken}`)
    expect(sent.headers.get('x-workspace-id')).toBe(WORKSPACE.id)
    expect(signatureValid(sent)).toBe(true)
    t.fetch.verify()
  })

  test('on a terminal a spinner waits for the answer and is stopped once (stopping clears its line, which by then holds the answer)', async () => {
    await loggedIn({ interactive: true })
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse(ANSWER), 64)))
    let stops = 0
    t.ui.spinner = (message) => (t.ui.lines.push({ kind: 'spinner', text: message }), { update: () => {}, stop: () => void stops++ })
    await ask(t.ctx, { prompt: 'q' })
    expect(t.ui.lines[0]).toEqual({ kind: 'spinner', text: 'Asking pensar-large…' })
    expect(stops).toBe(1)
  })

  test('each piece is written as it arrives, before the next one exists', async () => {
    await loggedIn()
    stubModels(t.fetch)
    const stream = controlledStream()
    t.fetch.on('POST', MESSAGES_PATH, () => stream.response)
    const asking = ask(t.ctx, { prompt: 'q' })
    const sse = answerSse('Hello streaming world')
    const firstDeltaEnd = sse.indexOf('Hello streaming ') + 'Hello streaming '.length + 10
    await stream.drained()
    stream.push(sse.slice(0, firstDeltaEnd))
    await stream.drained() // the flow has taken that piece and asks for the next
    expect(t.out.text).toBe('Hello streaming ')
    stream.push(sse.slice(firstDeltaEnd))
    stream.end()
    await asking
    expect(t.out.text).toBe('Hello streaming world\n')
  })

  test.each([
    ['one byte at a time', 1],
    ['three bytes at a time (inside UTF-8 characters)', 3],
    ['seven bytes at a time', 7],
  ])('cut %s, with CRLF line ends: the same answer, no replacement characters', async (_name, size) => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse(ANSWER, { eol: '\r\n' }), size)))
    await ask(t.ctx, { prompt: 'q' })
    expect(t.out.text).toBe(`${ANSWER}\n`)
    expect(t.out.text).not.toContain('\uFFFD')
  })

  test('cut at every byte of the stream (two chunks each time), CR-only line ends: always the same answer', async () => {
    await loggedIn()
    const sse = answerSse('Ünï 日本 🚀 ok', { eol: '\r' })
    const length = new TextEncoder().encode(sse).length
    for (let at = 1; at < length; at++) {
      t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(sse, [at])))
      t.out.text = ''
      await ask(t.ctx, { prompt: 'q', model: 'pensar-large' })
      expect({ at, out: t.out.text }).toEqual({ at, out: 'Ünï 日本 🚀 ok\n' })
    }
  })

  test('--model is sent and signed; the models list is not asked for', async () => {
    await loggedIn()
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('small answer', { model: 'pensar-small' }), 50)))
    await ask(t.ctx, { prompt: 'q', model: 'pensar-small' })
    const sent = t.fetch.calls(MESSAGES_PATH)[0]!
    expect(JSON.parse(sent.body).model).toBe('pensar-small')
    expect(signatureValid(sent)).toBe(true)
    expect(t.fetch.calls(MODELS_PATH)).toHaveLength(0)
    expect(t.ui.text).toContain('Answered by pensar-small for $0.01;')
  })

  test('--json: delta events and a done event with usage and balance on stdout, nothing else there', async () => {
    await loggedIn({ env: { json: true } })
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('JSON mode answer'), 5)))
    await ask(t.ctx, { prompt: 'q' })
    expect(t.out.text).toBe('')
    expect(t.ui.events).toEqual([
      { event: 'delta', text: 'JSON mode ' },
      { event: 'delta', text: 'answer' },
      { event: 'done', id: 'msg_1', model: 'pensar-large', usage: { cost: 0.01, inputTokens: 3, outputTokens: 9 }, balance: 49.99 },
    ])
    expect(t.ui.lines.filter((l) => l.kind === 'info')).toEqual([])
  })

  test('the conversation is sent with each new question; a gateway that answers whole JSON works too', async () => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('first answer'), 9)))
    t.fetch.on('POST', MESSAGES_PATH, json({ id: 'msg_2', model: 'pensar-large', content: [{ type: 'text', text: 'second answer' }], usage: { cost: 0.02 }, billing: { balance: 49.97 } }))
    const conversation = newConversation()
    await ask(t.ctx, { prompt: 'first' }, conversation)
    await ask(t.ctx, { prompt: 'second' }, conversation)
    expect(JSON.parse(t.fetch.calls(MESSAGES_PATH)[1]!.body).messages).toEqual([
      { role: 'user', content: 'first' }, { role: 'assistant', content: 'first answer' }, { role: 'user', content: 'second' },
    ])
    expect(t.out.text).toBe('first answer\nsecond answer\n')
    expect(t.ui.text).toContain('Answered by pensar-large for $0.02; $49.97 left.')
    expect(t.fetch.calls(MODELS_PATH)).toHaveLength(1) // the default model is asked once
  })

  test('a workspace switched between two questions (here by another process) starts a new conversation: the earlier questions stay with their workspace', async () => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('first answer'), 9)), 2)
    const conversation = newConversation()
    await ask(t.ctx, { prompt: 'first' }, conversation)
    const config = JSON.parse(readFileSync(join(t.home, 'config.json'), 'utf8'))
    writeFileSync(join(t.home, 'config.json'), JSON.stringify({ ...config, workspace: { id: 'ws_other', name: 'Other', slug: 'other' } }), { mode: 0o600 })
    await ask(t.ctx, { prompt: 'second' }, conversation)
    expect(JSON.parse(t.fetch.calls(MESSAGES_PATH)[1]!.body).messages).toEqual([{ role: 'user', content: 'second' }])
    expect(t.fetch.calls(MESSAGES_PATH)[1]!.headers.get('x-workspace-id')).toBe('ws_other')
    expect(t.ui.text).toContain('A new conversation in workspace Other (other): the model no longer sees the questions asked in the other one.')
    expect(conversation.messages.map((m) => m.content)).toEqual(['second', 'first answer'])
  })
})

describe('renewal', () => {
  test('a token that expires mid-stream finishes the answer; the next question renews it first, under the lock', async () => {
    await loggedIn({ accessTtlMs: 120_000 })
    stubModels(t.fetch)
    const stream = controlledStream()
    t.fetch.on('POST', MESSAGES_PATH, () => stream.response)
    const conversation = newConversation()
    const first = ask(t.ctx, { prompt: 'long one' }, conversation)
    const sse = answerSse('a long answer that outlives the token')
    await stream.drained()
    stream.push(sse.slice(0, 200))
    t.clock.advance(300_000) // the access token expires while the answer streams
    stream.push(sse.slice(200))
    stream.end()
    await first
    expect(t.out.text).toBe('a long answer that outlives the token\n')
    expect(t.fetch.calls(TOKEN_PATH)).toHaveLength(0)

    const renewed = refreshedTokens(t.clock.now(), 2)
    t.fetch.on('POST', TOKEN_PATH, json(renewed))
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('second'), 16)))
    await ask(t.ctx, { prompt: 'again' }, conversation)
    expect(t.fetch.calls(TOKEN_PATH)).toHaveLength(1)
    expect(t.fetch.calls(MESSAGES_PATH)[1]!.headers.get('authorization')).toBe(`Bearer ${renewed.access_token}`)
    expect(authFile().refreshToken).toBe(renewed.refresh_token)
    t.fetch.verify()
  })

  test('a 401 before the stream: renewed once and re-signed with a fresh nonce; one answer', async () => {
    await loggedIn()
    stubModels(t.fetch)
    const renewed = refreshedTokens(t.clock.now(), 3)
    t.fetch.on('POST', MESSAGES_PATH, oauthError('invalid_token', 401))
    t.fetch.on('POST', TOKEN_PATH, json(renewed))
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('after renewal'), 13)))
    await ask(t.ctx, { prompt: 'q' })
    const [rejected, retried] = t.fetch.calls(MESSAGES_PATH)
    expect(retried!.headers.get('authorization')).toBe(`Bearer ${renewed.access_token}`)
    expect(retried!.headers.get('x-pensar-nonce')).not.toBe(rejected!.headers.get('x-pensar-nonce'))
    expect(signatureValid(retried!)).toBe(true)
    expect(t.out.text).toBe('after renewal\n')
    t.fetch.verify()
  })

  test('a second 401 after renewing is an auth error (exit 4), not a loop', async () => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, oauthError('invalid_token', 401), 2)
    t.fetch.on('POST', TOKEN_PATH, json(refreshedTokens(t.clock.now())))
    const error = await ask(t.ctx, { prompt: 'q' }).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error.exitCode).toBe(EXIT.auth)
  })
})

describe('billing trouble where it happens', () => {
  const refusal = (balance = 0) =>
    json({ error: 'insufficient_credits', error_description: 'Workspace acme needs a payment method and credits', billing: { balance, hasPaymentMethod: false, ready: false }, billingUrl: 'https://console.test/acme/settings/billing' }, 402)

  test('402 mid-session on a terminal: the login\'s warning, B opens the billing page, exit 5, the session and the first answer kept', async () => {
    await loggedIn({ interactive: true })
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('first answer'), 20)))
    t.fetch.on('POST', MESSAGES_PATH, refusal())
    t.ui.answer('billing page', 'open')
    const conversation = newConversation()
    await ask(t.ctx, { prompt: 'first' }, conversation)
    const before = authFile()
    const error = (await ask(t.ctx, { prompt: 'second' }, conversation).catch((e) => e)) as PensarError
    expect([error.code, error.exitCode]).toEqual(['insufficient_credits', 5])
    expect(error.message).toContain("billing isn't ready for Acme")
    expect(t.ui.text).toContain("warn: Billing isn't set up for Acme. Finish setup:\nhttps://console.test/acme/settings/billing")
    expect(t.browser.opened).toEqual(['https://console.test/acme/settings/billing'])
    expect(authFile()).toEqual(before)
    expect(conversation.messages).toHaveLength(2) // the refused question is not part of the conversation
    expect(t.out.text).toBe('first answer\n')
  })

  test('402 without a terminal: the warning with the address, no prompt; --json adds the warning event', async () => {
    await loggedIn({ env: { json: true } })
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, refusal())
    const error = (await ask(t.ctx, { prompt: 'q' }).catch((e) => e)) as PensarError
    expect(error.exitCode).toBe(EXIT.billing)
    expect(t.ui.prompts).toEqual([])
    expect(t.ui.events).toEqual([{ event: 'warning', code: 'billing_not_ready', message: "Billing isn't set up for Acme.", url: 'https://console.test/acme/settings/billing' }])
  })

  test('a balance under $1 after a question: the low-balance warning once per process, without a key prompt', async () => {
    await loggedIn({ interactive: true })
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('one', { balance: 0.5 }), 20)))
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('two', { balance: 0.49 }), 20)))
    const conversation = newConversation()
    await ask(t.ctx, { prompt: 'q1' }, conversation)
    await ask(t.ctx, { prompt: 'q2' }, newConversation(conversation)) // /new: still the same process
    const warnings = t.ui.lines.filter((l) => l.kind === 'warn')
    expect(warnings).toEqual([{ kind: 'warn', text: 'Low credit balance ($0.50) in Acme. Add credits:\nhttps://api.test.pensar/acme/settings/billing' }])
    expect(t.ui.prompts).toEqual([])
  })

  test('the Apex Inference category switched off: 403 inference_disabled names the Usage page, exit 5', async () => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, json({ error: 'inference_disabled', error_description: 'off', usageUrl: 'https://console.test/acme/settings/usage' }, 403))
    const error = (await ask(t.ctx, { prompt: 'q' }).catch((e) => e)) as PensarError
    expect([error.code, error.exitCode, error.message]).toEqual(['inference_disabled', 5, 'Apex Inference is switched off for Acme.'])
    expect(error.hint).toBe('Turn the Apex Inference category on under Settings > Usage: https://console.test/acme/settings/usage')
  })

  test('an unknown --model: a usage error listing the models', async () => {
    await loggedIn()
    t.fetch.on('POST', MESSAGES_PATH, json({ error: 'unknown_model', error_description: 'Unknown model gpt' }, 400))
    stubModels(t.fetch)
    const error = (await ask(t.ctx, { prompt: 'q', model: 'gpt' }).catch((e) => e)) as PensarError
    expect([error.code, error.exitCode, error.message]).toEqual(['unknown_model', 2, 'The gateway has no model "gpt".'])
    expect(error.hint).toContain('Models: pensar-large, pensar-small.')
  })
})

describe('stopping and broken answers', () => {
  test('Ctrl-C mid-stream: the answer so far stays, its line is ended, the connection closed, the session kept (exit 130)', async () => {
    await loggedIn()
    stubModels(t.fetch)
    const stream = controlledStream()
    t.fetch.on('POST', MESSAGES_PATH, () => stream.response)
    const before = authFile()
    const asking = ask(t.ctx, { prompt: 'q' }).catch((e) => e)
    await stream.drained()
    stream.push(sseEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'partial ans' } }))
    await stream.drained()
    expect(t.out.text).toBe('partial ans')
    t.abort.abort(new CancelledError())
    const error = await asking
    expect(error).toBeInstanceOf(AnswerStoppedError)
    expect(error.exitCode).toBe(EXIT.cancelled)
    expect(t.out.text).toBe('partial ans\n')
    expect(stream.cancelled).toBe(true)
    expect(authFile()).toEqual(before)
  })

  test('Ctrl-C before the answer begins is a plain cancel', async () => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => new Promise<Response>(() => {}))
    const asking = ask(t.ctx, { prompt: 'q' }).catch((e) => e)
    await waitUntil(() => t.fetch.calls(MESSAGES_PATH).length === 1, 'the request to be sent')
    t.abort.abort(new CancelledError())
    const error = await asking
    expect(error).toBeInstanceOf(CancelledError)
    expect(error).not.toBeInstanceOf(AnswerStoppedError)
    expect(t.out.text).toBe('')
  })

  test('a stream that ends before message_stop is an incomplete answer; an error event stops it with its message', async () => {
    await loggedIn()
    stubModels(t.fetch)
    const cut = answerSse('never finished')
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(cut.slice(0, cut.indexOf('event: message_delta')), 10)))
    const incomplete = (await ask(t.ctx, { prompt: 'q' }).catch((e) => e)) as PensarError
    expect([incomplete.code, incomplete.message]).toEqual(['incomplete_answer', 'The answer was cut off before the gateway finished it.'])
    expect(t.out.text).toBe('never finished\n')

    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(sseEvent('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }), 10)))
    const overloaded = (await ask(t.ctx, { prompt: 'q', model: 'pensar-large' }).catch((e) => e)) as PensarError
    expect([overloaded.code, overloaded.message, overloaded.hint]).toEqual(['overloaded_error', 'The gateway stopped the answer: Overloaded.', 'The models are busy. Try again in a minute.'])
  })
})

describe('untrusted text', () => {
  const HOSTILE = 'ok\x1b]52;c;ZXZpbA==\x07 \x1b[2J\u202Egnp.exe\r\nnext'

  test('on a terminal, control sequences are shown, not obeyed, even split across chunks', async () => {
    await loggedIn({ stdoutTerminal: { columns: 80 } })
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(sseEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: HOSTILE.slice(0, 3) } }) +
      sseEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: HOSTILE.slice(3) } }) + sseEvent('message_stop', {}), 4)))
    await ask(t.ctx, { prompt: 'q', model: 'm\x1b[31m' })
    expect(t.out.text).toBe('ok\\x1b]52;c;ZXZpbA==\\x07 \\x1b[2J\\u202egnp.exe\nnext\n')
    // The model's name goes through the Ui, which makes every string safe (test/ui/untrusted-text.test.ts).
    expect(t.ui.text).toContain('Answered by m\x1b[31m, cost not reported.')
  })

  test('on a terminal the answer is wrapped between words to its width', async () => {
    await loggedIn({ stdoutTerminal: { columns: 40 } })
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse(ANSWER), 7)))
    await ask(t.ctx, { prompt: 'q' })
    const lines = t.out.text.trimEnd().split('\n')
    expect(lines.length).toBeGreaterThan(2)
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(40)
    expect(lines.join(' ')).toBe(ANSWER)
  })

  test('into a pipe, the text arrives exactly as sent', async () => {
    await loggedIn()
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(sseEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: HOSTILE } }) + sseEvent('message_stop', {}), 4)))
    await ask(t.ctx, { prompt: 'q', model: 'm' })
    expect(t.out.text).toBe(`${HOSTILE}\n`)
  })
})

describe('credentials and the question', () => {
  test('PENSAR_API_KEY: its workspace, gateway and signing key come from /auth/validate (once), not the stored login', async () => {
    await loggedIn({ env: { vars: { PENSAR_API_KEY: 'psk_envkey0123456789' } } })
    t.fetch.on('GET', '/auth/validate', json({ valid: true, workspace: { id: 'ws_env', name: 'Env Co', slug: 'env-co' }, signingKey: 'sk_envsigning0123456789', gatewayUrl: 'https://gw.test' }))
    t.fetch.on('GET', 'https://gw.test/gateway/v1/models', json({ data: [{ id: 'pensar-large' }], default: 'pensar-large' }))
    t.fetch.on('POST', 'https://gw.test/gateway/v1/messages', () => streamed(chunksOf(answerSse('env answer'), 30)), 2)
    const conversation = newConversation()
    await ask(t.ctx, { prompt: 'q1' }, conversation)
    await ask(t.ctx, { prompt: 'q2' }, conversation)
    const sent = t.fetch.calls(MESSAGES_PATH)[0]!
    expect(sent.headers.get('authorization')).toBe('Bearer psk_envkey0123456789')
    expect(sent.headers.get('x-workspace-id')).toBe('ws_env')
    const bodyHash = createHash('sha256').update(sent.body).digest('hex')
    const expected = createHmac('sha256', 'sk_envsigning0123456789').update(`${sent.headers.get('x-pensar-timestamp')}\n${sent.headers.get('x-pensar-nonce')}\npensar-large\n${bodyHash}`).digest('hex')
    expect(sent.headers.get('x-pensar-signature')).toBe(expected)
    expect(t.fetch.calls('/auth/validate')).toHaveLength(1)
    t.fetch.verify()
  })

  test('a stored API key with its signing key signs with it', async () => {
    t = createTestContext()
    await seedApiKeySession(t.ctx, 'psk_storedkey0123456789')
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('key answer'), 30)))
    await ask(t.ctx, { prompt: 'q' })
    expect(signatureValid(t.fetch.calls(MESSAGES_PATH)[0]!)).toBe(true)
  })

  test('not logged in: exit 4 before any request', async () => {
    t = createTestContext()
    const error = await ask(t.ctx, { prompt: 'q' }).catch((e) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(t.fetch.requests).toEqual([])
  })

  test('the question from stdin; an empty one, or none on a terminal, is a usage error', async () => {
    await loggedIn()
    stubModels(t.fetch)
    t.fetch.on('POST', MESSAGES_PATH, () => streamed(chunksOf(answerSse('piped answer'), 30)))
    t.ctx.stdin = { isTTY: false, readAll: async () => 'What is\nXSS?\n' }
    await ask(t.ctx, {})
    expect(JSON.parse(t.fetch.calls(MESSAGES_PATH)[0]!.body).messages).toEqual([{ role: 'user', content: 'What is\nXSS?' }])
    t.ctx.stdin = { isTTY: false, readAll: async () => ' \n' }
    expect((await ask(t.ctx, {}).catch((e) => e)).exitCode).toBe(EXIT.usage)
    t.ctx.stdin = { isTTY: true, readAll: async () => '' }
    expect((await ask(t.ctx, {}).catch((e) => e)).message).toBe('`pensar ask` needs a question.')
    expect((await ask(t.ctx, { prompt: '   ' }).catch((e) => e)).exitCode).toBe(EXIT.usage)
  })
})
