import { afterEach, describe, expect, test } from 'bun:test'
import type { Context } from '../../src/context'
import { flowActions } from '../../src/interactive/actions'
import { createKeyInput } from '../../src/interactive/key-input'
import { connectedLine, EXPIRED_NOTICE, runInteractive, type InteractiveActions, type SessionHealth } from '../../src/interactive/repl'
import type { Conversation } from '../../src/flows/ask/conversation'
import { PensarError } from '../../src/lib/errors'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MESSAGES_PATH, sseEvent, stubModels } from '../helpers/gateway-stubs'
import { accessTokenExpiringIn, seedWorkosSession } from '../helpers/session-fixtures'
import { controlledStream } from '../helpers/stream-response'
import { createTestContext, type TestContext } from '../helpers/context'
import { networkError } from '../helpers/fake-fetch'
import { eventually, FakeTtyInput, FakeTtyOutput, KEY } from './support/fake-tty'

let t: TestContext
afterEach(() => t?.cleanup())

interface Harness {
  input: FakeTtyInput
  output: FakeTtyOutput
  done: Promise<void>
  calls: string[]
  /** Output and Ui lines together, as a person would read them. */
  screen(): string
}

/** Starts the prompt and waits until it is drawn (keys typed earlier would go to the startup check). */
const ACME: SessionHealth = { state: 'ok', connection: { user: 'demo@pensar.local', console: '127.0.0.1:4100', workspace: 'Acme' } }

async function start(actions: Partial<InteractiveActions> = {}, health: SessionHealth = ACME): Promise<Harness> {
  t = createTestContext({ interactive: true })
  const input = new FakeTtyInput()
  const output = new FakeTtyOutput()
  const calls: string[] = []
  const record = (name: string) => async () => void calls.push(name)
  const done = runInteractive(t.ctx, {
    keys: createKeyInput(input),
    output,
    actions: { checkSession: async () => health, login: record('login'), status: record('status'), usage: record('usage'), logout: record('logout'), doctor: record('doctor'), ask: async (_ctx, q) => void calls.push(`ask: ${q.text}`), ...actions },
  })
  const h = { input, output, done, calls, screen: () => `${output.text}\n${t.ui.text}` }
  await atPrompt(h, 1)
  return h
}

/** Waits for the prompt to be drawn (again) after `n` earlier prompts. */
const promptCount = (h: Harness) => h.output.text.split('› ').length - 1
async function atPrompt(h: Pick<Harness, 'output'>, n: number) {
  await eventually(() => (promptCount(h as Harness) >= n ? 'drawn' : 'waiting'), 'drawn')
}

describe('the prompt loop', () => {
  test('/help lists the commands, unknown input gets a hint, /exit leaves', async () => {
    const h = await start()
    h.input.write(`/help${KEY.enter}`)
    await eventually(h.screen, '/logout  Disconnect')
    h.input.write(`/frobnicate${KEY.enter}`)
    await eventually(h.screen, 'warn: Unknown command /frobnicate: /help lists the commands.')
    h.input.write(`/exit${KEY.enter}`)
    await h.done
    expect(h.calls).toEqual([])
  })

  test('Ctrl-C at the prompt leaves', async () => {
    const h = await start()
    h.input.write('/lo')
    h.input.write(KEY.ctrlC)
    await h.done
    expect(h.input.isRaw).toBe(false)
  })

  test('Ctrl-D on an empty line leaves', async () => {
    const h = await start()
    h.input.write(KEY.ctrlD)
    await h.done
  })

  test('/login, /auth, /status, /logout and /doctor run their flows, and the prompt comes back after each', async () => {
    const h = await start()
    for (const [i, line] of ['/login', '/auth', '/status', '/logout', '/doctor'].entries()) {
      await atPrompt(h, i + 1)
      h.input.write(`${line}${KEY.enter}`)
    }
    await atPrompt(h, 6)
    h.input.write(`/exit${KEY.enter}`)
    await h.done
    expect(h.calls).toEqual(['login', 'login', 'status', 'logout', 'doctor'])
  })

  test('Tab completes a command before Enter runs it', async () => {
    const h = await start()
    h.input.write(`/st${KEY.tab}${KEY.enter}`)
    await eventually(() => h.calls.join(), 'status')
    h.input.write(KEY.ctrlC)
    await h.done
  })
})

describe('steps', () => {
  /** A login that waits until its signal is aborted, like one polling for approval. */
  const pendingLogin = (seen: { signal?: AbortSignal }) => (ctx: Context) =>
    new Promise<void>((_resolve, reject) => {
      ctx.ui.spinner('Waiting for approval in the browser')
      seen.signal = ctx.signal
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true })
    })

  test('Esc cancels a pending step, back to the prompt, and the next command still runs', async () => {
    const seen: { signal?: AbortSignal } = {}
    const h = await start({ login: pendingLogin(seen) })
    h.input.write(`/login${KEY.enter}`)
    await eventually(() => String(Boolean(seen.signal)), 'true')
    h.input.write(KEY.esc)
    await eventually(h.screen, 'Cancelled. Nothing was changed.')
    expect(h.screen()).toContain('spinner: Waiting for approval in the browser · Esc cancel')
    expect(seen.signal!.aborted).toBe(true)
    expect(t.ctx.signal.aborted).toBe(false) // only the step was cancelled, not the program
    await atPrompt(h, 2)
    h.input.write(`/status${KEY.enter}`)
    await eventually(() => h.calls.join(), 'status')
    h.input.write(KEY.ctrlC)
    await h.done
  })

  test('Ctrl-C inside a step cancels only that step; a second Ctrl-C at the prompt leaves', async () => {
    const seen: { signal?: AbortSignal } = {}
    const h = await start({ login: pendingLogin(seen) })
    h.input.write(`/login${KEY.enter}`)
    await eventually(() => String(Boolean(seen.signal)), 'true')
    h.input.write(KEY.ctrlC)
    await eventually(h.screen, 'Cancelled.')
    await atPrompt(h, 2)
    h.input.write(KEY.ctrlC)
    await h.done
  })

  test('what a step says names slash commands, not shell commands', async () => {
    const h = await start({
      logout: async (ctx) => ctx.ui.success('Disconnected. Run `pensar login` to connect again.'),
      status: async (ctx) => ctx.ui.info('Run `pensar auth doctor` or `pensar doctor` to see why.'),
    })
    h.input.write(`/logout${KEY.enter}`)
    await eventually(h.screen, 'success: Disconnected. Run /login to connect again.')
    await atPrompt(h, 2)
    h.input.write(`/status${KEY.enter}`)
    await eventually(h.screen, 'info: Run /doctor or /doctor to see why.')
    h.input.write(KEY.ctrlC)
    await h.done
  })

  test('a failing step is reported in slash-command words and the prompt carries on', async () => {
    const h = await start({
      status: async () => {
        throw new PensarError('Not logged in to Pensar Console.', { hint: 'Run `pensar login` (or set PENSAR_API_KEY).' })
      },
      logout: async () => {
        throw new Error('boom eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln')
      },
    })
    h.input.write(`/status${KEY.enter}`)
    await eventually(h.screen, 'error: Not logged in to Pensar Console.\nRun /login (or set PENSAR_API_KEY).')
    await atPrompt(h, 2)
    h.input.write(`/logout${KEY.enter}`)
    await eventually(h.screen, 'error: Unexpected error: boom [redacted].')
    await atPrompt(h, 3)
    h.input.write(`/exit${KEY.enter}`)
    await h.done
  })

  test('while a step shows its own prompt, Esc belongs to that prompt, not to the step', async () => {
    let answer: (value: string) => void = () => {}
    let stepSignal: AbortSignal | undefined
    const h = await start({
      login: async (ctx) => {
        stepSignal = ctx.signal
        // A prompt the test answers by hand, after Esc has been typed while it was open.
        const original = t.ui.select.bind(t.ui)
        t.ui.select = (() => new Promise((resolve) => (answer = resolve as never))) as typeof original
        const picked = await ctx.ui.select({ message: 'Which workspace?', options: [{ value: 'acme', label: 'Acme' }] })
        ctx.ui.success(`Picked ${picked}.`)
      },
    })
    h.input.write(`/login${KEY.enter}`)
    await eventually(() => String(Boolean(stepSignal)), 'true')
    const decoded: string[] = []
    h.input.on('keypress', (_text, key: { name?: string }) => decoded.push(key.name ?? ''))
    h.input.resume() // as a real prompt would: it reads the keyboard itself
    h.input.write(KEY.esc)
    await eventually(() => decoded.join(','), 'escape')
    answer('acme')
    await eventually(h.screen, 'success: Picked acme.')
    expect(stepSignal!.aborted).toBe(false)
    h.input.write(KEY.ctrlC)
    await h.done
  })

  test('a key prompt without an Esc choice gets one, and Esc there cancels the step', async () => {
    let offered: string[] = []
    const h = await start({
      login: async (ctx) => {
        t.ui.answer('billing page now', (options: { value: unknown; label: string }[]) => {
          offered = options.map((o) => o.label)
          return options.at(-1)!.value
        })
        await ctx.ui.pressKey({ message: 'Open the billing page now?', choices: [{ key: 'b', value: 'open', label: 'open billing page' }, { key: 'enter', value: 'go', label: 'continue' }] })
        ctx.ui.success('Saved.')
      },
    })
    h.input.write(`/login${KEY.enter}`)
    await eventually(h.screen, 'Cancelled. Nothing was changed.')
    expect(offered).toEqual(['b: open billing page', 'enter: continue', 'escape: cancel'])
    expect(h.screen()).not.toContain('Saved.')
    h.input.write(KEY.ctrlC)
    await h.done
  })

  test('a step sees HTTP requests carrying its own signal', async () => {
    let aborted: boolean | undefined
    const h = await start({
      login: async (ctx) => {
        t.fetch.on('GET', '/slow', () => new Promise<Response>(() => {}))
        await ctx.http.get('https://api.test.pensar/slow', { retries: 0 }).catch((e: Error) => {
          aborted = ctx.signal.aborted
          throw e
        })
      },
    })
    h.input.write(`/login${KEY.enter}`)
    await eventually(() => String(t.fetch.requests.length), '1')
    h.input.write(KEY.ctrlC)
    await eventually(h.screen, 'Cancelled.')
    expect(aborted).toBe(true)
    await atPrompt(h, 2)
    h.input.write(KEY.ctrlC)
    await h.done
  })
})

describe('/doctor', () => {
  test('runs the doctor flow: a failed check is its report, not an error, and the prompt carries on', async () => {
    const h = await start({ doctor: flowActions.doctor })
    t.fetch.on('GET', '/api/cli/config', networkError('connection refused'))
    h.input.write(`/doctor${KEY.enter}`)
    await eventually(h.screen, 'a login would not work until that is fixed.')
    expect(h.screen()).toContain(`report: What a login needs\nConsole: ${t.ctx.env.apiUrl}\n`)
    expect(h.screen()).toMatch(/✗ API \(failed\): .*connection refused/)
    expect(t.ui.reports.at(-1)?.verdict).toEqual({ tone: 'fail', text: expect.stringMatching(/^1 check failed/) })
    expect(t.ui.lines.filter((l) => l.kind === 'error')).toEqual([]) // the report said it; no error after it
    await atPrompt(h, 2)
    h.input.write(`/status${KEY.enter}`)
    await eventually(() => h.calls.join(), 'status')
    h.input.write(`/exit${KEY.enter}`)
    await h.done
    t.fetch.verify()
  })

  test('Esc while it waits for the Console cancels the check, back to the prompt, with no report', async () => {
    const h = await start({ doctor: flowActions.doctor })
    t.fetch.on('GET', '/api/cli/config', () => new Promise<Response>(() => {}))
    h.input.write(`/doctor${KEY.enter}`)
    await eventually(() => String(t.fetch.requests.length), '1')
    h.input.write(KEY.esc)
    await eventually(h.screen, 'Cancelled. Nothing was changed.')
    expect(h.screen()).not.toContain("What a login needs")
    expect(t.ctx.signal.aborted).toBe(false)
    await atPrompt(h, 2)
    h.input.write(`/exit${KEY.enter}`)
    await h.done
  })
})

describe('the startup session check', () => {
  test('a truly expired session gets the toast', async () => {
    const h = await start({}, { state: 'expired' })
    await eventually(() => h.output.text, EXPIRED_NOTICE)
    expect(EXPIRED_NOTICE).toBe('Your Pensar Console session has expired — run /login')
    expect(h.output.text).toMatch(/╭─+╮\n│ ▲ Your Pensar Console session has expired — run \/login │\n╰─+╯/)
    h.input.write(KEY.ctrlC)
    await h.done
  })

  test.each([
    [ACME, 'Logged in as demo@pensar.local to 127.0.0.1:4100 (workspace Acme).'],
    [{ state: 'ok', connection: { user: 'ci@pensar.local', apiKey: 'file', console: 'api.console.pensar.dev', workspace: 'Acme' } }, 'Logged in as ci@pensar.local with an API key to api.console.pensar.dev (workspace Acme).'],
    [{ state: 'ok', connection: { apiKey: 'env', console: 'api.console.pensar.dev' } }, 'Logged in with PENSAR_API_KEY to api.console.pensar.dev.'],
    [{ state: 'none' }, 'Not logged in to Pensar Console. Type /login to log in.'],
  ] as [SessionHealth, string][])('one line says who is logged in, or that nobody is: %p', async (health, line) => {
    const h = await start({}, health)
    await atPrompt(h, 1)
    h.input.write(KEY.ctrlC)
    await h.done
    expect(h.output.text).not.toContain('expired')
    expect(t.ui.lines).toEqual([{ kind: 'info', text: line }])
  })

  test('a name or email over 200 characters is cut in that line, as everywhere on screen', () => {
    const line = connectedLine({ user: `${'u'.repeat(300)}@pensar.local`, console: 'api.console.pensar.dev', workspace: 'W'.repeat(300) })
    expect(line).toBe(`Logged in as ${'u'.repeat(199)}… to api.console.pensar.dev (workspace ${'W'.repeat(199)}…).`)
  })

  test('an unreachable Console is a warning, not an expiry', async () => {
    const h = await start({}, { state: 'unchecked', reason: 'connection refused' })
    await eventually(h.screen, 'warn: Your login is kept, but Pensar Console did not confirm it: connection refused. Commands will try again.')
    h.input.write(KEY.ctrlC)
    await h.done
    expect(h.output.text).not.toContain('expired')
  })
})

describe('questions for the model', () => {
  test('a line without a slash is a question, in one conversation until /new (which keeps the once-per-process warning); /usage runs its flow', async () => {
    const seen: { text: string; conversation: Conversation }[] = []
    const h = await start({
      ask: async (_ctx, question) => {
        seen.push({ text: question.text, conversation: question.conversation })
        question.conversation.lowBalanceWarned = true
      },
    })
    h.input.write(`what is SSRF?${KEY.enter}`)
    await atPrompt(h, 2)
    h.input.write(`and XSS?${KEY.enter}`)
    await atPrompt(h, 3)
    h.input.write(`/new${KEY.enter}`)
    await eventually(h.screen, 'New conversation')
    h.input.write(`fresh start${KEY.enter}`)
    await atPrompt(h, 5)
    h.input.write(`/usage${KEY.enter}`)
    await eventually(() => h.calls.join(), 'usage')
    h.input.write(KEY.ctrlC)
    await h.done
    expect(seen.map((q) => q.text)).toEqual(['what is SSRF?', 'and XSS?', 'fresh start'])
    expect(seen[1]!.conversation).toBe(seen[0]!.conversation)
    expect(seen[2]!.conversation).not.toBe(seen[0]!.conversation)
    expect(seen[2]!.conversation.lowBalanceWarned).toBe(true)
  })

  test('the answer streams onto the prompt\'s terminal; Esc mid-answer stops it, keeps what came and the session, and the prompt carries on', async () => {
    const h = await start({ ask: flowActions.ask })
    await seedWorkosSession(t.ctx, { accessToken: accessTokenExpiringIn(t.clock.now(), 240_000) })
    const authBefore = readFileSync(join(t.home, 'auth.json'), 'utf8')
    stubModels(t.fetch)
    const stream = controlledStream()
    t.fetch.on('POST', MESSAGES_PATH, () => stream.response)
    h.input.write(`explain SSRF${KEY.enter}`)
    await stream.drained()
    stream.push(sseEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'SSRF makes a server ' } }))
    await eventually(() => h.output.text, 'SSRF makes a server')
    h.input.write(KEY.esc)
    await eventually(h.screen, 'info: Answer stopped.')
    expect(stream.cancelled).toBe(true)
    expect(h.output.text).toContain('SSRF makes a server\n')
    expect(readFileSync(join(t.home, 'auth.json'), 'utf8')).toBe(authBefore)
    await atPrompt(h, 2)
    h.input.write(`/status${KEY.enter}`)
    await eventually(() => h.calls.join(), 'status')
    h.input.write(KEY.ctrlC)
    await h.done
  })
})
