// The message style (docs/message-style.md) over every message the Ui can print. Flows: every line
// said in every flow test goes through the UiRecorder, which checks it (helpers/ui-recorder.ts, the
// preload fails the test). Here: that the rules catch what they should; the HTTP layer's messages
// for what the runtime really throws; the Ui implementations' own words and key legends; the
// prompt's hint legend; and every string literal in src/ that could reach a person.
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import ts from 'typescript'
import { hintFor, IDLE_HINT } from '../../src/interactive/slash-commands'
import { stepUi } from '../../src/interactive/step-ui'
import { createHttp, HttpError } from '../../src/lib/http'
import { silentLog } from '../../src/lib/log'
import { ClackUi } from '../../src/ui/clack'
import { PlainUi } from '../../src/ui/plain'
import { createPaint } from '../../src/ui/style'
import type { Ui } from '../../src/ui/ui'
import { FakeClock } from '../helpers/fake-clock'
import { FakeFetch, json } from '../helpers/fake-fetch'
import { styleProblems, type MessageKind } from '../helpers/message-style'
import { UiRecorder } from '../helpers/ui-recorder'

/** One item of a key legend: the key as printed on the keyboard, then what it does, in lower case. */
const LEGEND_ITEM = /^(?:[A-Z/]|Enter|Esc|Tab|Ctrl-[A-Z]|↑↓) [a-z][a-z ]*$/

describe('the rules catch what they should', () => {
  test.each<[string, MessageKind, string]>([
    ['Could not reach https://c/x (ECONNRESET: The socket connection was closed unexpectedly. For more information, pass `verbose: true` in the second argument to fetch()).', 'error', 'no runtime advice'],
    ['Could not check: Could not renew the session: https://c/t answered 503 (temporarily_unavailable: Try again later.).', 'warn', 'no doubled punctuation'],
    ["The file’s owner and mode.", 'info', 'one apostrophe'],
    ['Could not reach Pensar Console to revoke the session: https://c/r answered 500.', 'warn', 'Could not reach is for the network'],
    ['Logged out. Logged out locally.', 'success', 'no stutter'],
    ['Could not open a browser (no browser is available here (no BROWSER, no display)).', 'warn', 'no nested parentheses'],
    ['Press B to open the billing page, Enter to continue', 'prompt', 'a key prompt does not say its keys again'],
    ['Open billing', 'key', 'a key label is a short lower-case phrase'],
    ['Unknown command — /help lists them', 'warn', 'a sentence ends with a full stop'],
    ['press b to open it.', 'info', 'keys are written as on the keyboard'],
  ])('%p breaks a rule', (text, kind, rule) => {
    expect(styleProblems(text, kind).map((p) => p.split(':')[0])).toContain(rule)
  })

  test.each<[string, MessageKind]>([
    ['Opened the billing page in your browser.', 'success'],
    ['Billing isn\'t set up for Acme. Finish setup:\nhttps://console.test/acme/settings/billing', 'warn'],
    ['Run `pensar login`.', 'error'],
    ['Open the billing page now?', 'prompt'],
    ['open billing page', 'key'],
    ['Could not reach https://c/x (connection refused).', 'error'],
  ])('%p is in style', (text, kind) => {
    expect(styleProblems(text, kind)).toEqual([])
  })
})

describe('the HTTP layer says what happened in our words, never the runtime\'s', () => {
  // What Bun's fetch really throws (measured: bun 1.4.5), and what a person reads instead.
  test.each<[string, Error, string]>([
    ['a dropped connection', Object.assign(new TypeError('ECONNRESET: The socket connection was closed unexpectedly. For more information, pass `verbose: true` in the second argument to fetch()'), { code: 'ECONNRESET' }), 'Could not reach https://api.test/x (the connection was closed before an answer came).'],
    ['a refused connection', Object.assign(new TypeError('ECONNREFUSED: Unable to connect. Is the computer able to access the url?'), { code: 'ECONNREFUSED' }), 'Could not reach https://api.test/x (connection refused).'],
    ['an unknown host', Object.assign(new TypeError('getaddrinfo ENOTFOUND api.test'), { code: 'ENOTFOUND' }), 'Could not reach https://api.test/x (no such host).'],
    ['an unknown code with advice', Object.assign(new TypeError('EWEIRD: Something odd happened. For more information, pass `verbose: true` in the second argument to fetch()'), { code: 'EWEIRD' }), 'Could not reach https://api.test/x (EWEIRD: Something odd happened).'],
    ['a nested cause', new Error('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }), 'Could not reach https://api.test/x (connection refused).'],
  ])('%s', async (_name, thrown, message) => {
    const fetch = new FakeFetch()
    fetch.on('GET', '/x', () => {
      throw thrown
    })
    const error = (await createHttp({ fetch: fetch.fetch, clock: new FakeClock(), log: silentLog }).get('https://api.test/x', { retries: 0 }).catch((e) => e)) as HttpError
    expect(error.message).toBe(message)
    expect(styleProblems(error.message, 'error')).toEqual([])
    expect(styleProblems(error.hint ?? '', 'error')).toEqual([])
  })

  test('an HTTP error says the status, quotes the server once, and never says "Could not reach"', async () => {
    const fetch = new FakeFetch()
    fetch.on('GET', '/x', json({ error: 'temporarily_unavailable', error_description: 'Injected fault: try again later.' }, 503))
    const error = (await createHttp({ fetch: fetch.fetch, clock: new FakeClock(), log: silentLog }).get('https://api.test/x', { retries: 0 }).catch((e) => e)) as HttpError
    expect(error.message).toBe('https://api.test/x answered 503 (temporarily_unavailable: Injected fault: try again later).')
    expect(styleProblems(`Outer: ${error.message}`, 'error')).toEqual([])
  })
})

describe("the Ui implementations' own words", () => {
  function clack(columns = 100) {
    let out = ''
    const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(raw: boolean) { input.isRaw = raw } })
    const output = Object.assign(new PassThrough(), { columns, rows: 60 })
    output.on('data', (d) => (out += String(d)))
    return { ui: new ClackUi({ input, output, paint: createPaint(false), unicode: true }), input, text: () => out }
  }

  async function sayEverything(ui: Ui) {
    ui.info('Fine.')
    ui.warn(['A warning:', 'https://console.test/x'])
    ui.error('It failed.', 'Run `pensar login`.')
    ui.note('Title', ['Label: value', { text: 'Billing: not set up', tone: 'warn' }])
    ui.report({ title: 'Report', lines: ['Label: value'], verdict: { tone: 'fail', text: '1 check failed.' } })
    for (const browser of [{ opened: true } as const, { opened: false, reason: 'no display' } as const, { skipped: true } as const]) {
      await ui.showCode({ userCode: 'BCDF-GHJK', verificationUri: 'https://console.test/device', verificationUriComplete: 'https://console.test/device?user_code=BCDF-GHJK', expiresInSec: 600, browser })
    }
    ui.spinner('Waiting for approval in the browser…').stop('Approved in the browser.')
  }

  /** Each line the person reads, without the frame and the symbols. */
  const readable = (text: string) =>
    text
      .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g, '')
      .split(/[\r\n]+/)
      .map((l) => l.replace(/^[│╭╰◆▲■●◇◒|]+[─ ]*|[─ ]*[│╮╯]$/g, '').trim())
      .filter(Boolean)

  test.each([
    ['ClackUi', () => clack()],
    ['PlainUi', () => {
      let out = ''
      return { ui: new PlainUi((s) => (out += s)), text: () => out }
    }],
  ] as const)('%s', async (_name, make) => {
    const { ui, text } = make()
    await sayEverything(ui)
    const problems = readable(text()).flatMap((line) => styleProblems(line, 'note'))
    expect(problems).toEqual([])
    expect(text()).not.toMatch(/[’‘]/)
  })

  test('a key prompt: the legend is "Key action · Key action", and the key is not echoed back as a bare word', async () => {
    const { ui, input, text } = clack(60)
    const chosen = ui.pressKey({
      message: 'What next?',
      choices: [
        { key: 's', value: 's', label: 'switch workspace' },
        { key: 'b', value: 'b', label: 'open billing page' },
        { key: 'd', value: 'd', label: 'disconnect' },
        { key: 'enter', value: 'keep', label: 'keep' },
        { key: 'escape', value: 'back', label: 'cancel' },
      ],
    })
    input.write('\r')
    expect(await chosen).toBe('keep')
    const [question, ...legend] = readable(text())
    expect(question).toBe('What next?')
    const items = legend.flatMap((row) => row.split(' · '))
    expect(items).toEqual(['S switch workspace', 'B open billing page', 'D disconnect', 'Enter keep', 'Esc cancel'])
    for (const item of items) expect(item).toMatch(LEGEND_ITEM)
  })

  test("the prompt's hint lines and a step's wait use the same legend format", () => {
    // What the empty line is for, then its keys, as a wait is its message, then its keys.
    const [lead, ...keys] = IDLE_HINT.split(' · ')
    expect(lead).toBe('Ask a question, or type / for commands')
    expect(keys).toEqual(['Tab complete', 'Ctrl-C leave'])
    for (const item of keys) expect(item).toMatch(LEGEND_ITEM)
    for (const item of hintFor('what is SSRF').split(' · ')) expect(item).toMatch(LEGEND_ITEM)
    const recorder = new UiRecorder(true)
    stepUi(recorder, { pause() {}, resume() {} }).spinner('Waiting for approval in the browser…')
    const [, ...legend] = recorder.lines[0]!.text.split(' · ')
    expect(legend).toEqual(['Esc cancel'])
    for (const item of legend) expect(item).toMatch(LEGEND_ITEM)
  })
})

describe('the string literals in src/', () => {
  /** Every string a person could read: literals and templates (each `${…}` read as `X`). */
  function literals(): { where: string; text: string; node: ts.Node }[] {
    const found: { where: string; text: string; node: ts.Node }[] = []
    for (const path of sourceFiles(join(import.meta.dir, '../../src'))) {
      const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true)
      const visit = (node: ts.Node) => {
        const where = `${path.replace(/^.*\/src\//, 'src/')}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push({ where, text: node.text, node })
        else if (ts.isTemplateExpression(node)) found.push({ where, text: node.head.text + node.templateSpans.map((s) => `X${s.literal.text}`).join(''), node })
        ts.forEachChild(node, visit)
      }
      visit(source)
    }
    return found
  }

  test('no runtime advice, one apostrophe, no doubled punctuation', () => {
    // ui/ascii.ts is the table that spells our punctuation in ASCII: `…` as three full stops, both apostrophes.
    const problems = literals().filter(({ where }) => !where.startsWith('src/ui/ascii.ts:')).flatMap(({ where, text }) =>
      styleProblems(text, 'note')
        .filter((p) => !p.startsWith('no stutter'))
        // Shell syntax, not a message: `$((args + 1))`, `${reply[(Ie)$word]}`.
        .filter((p) => !(p.startsWith('no nested parentheses') && where.startsWith('src/commands/completion/')))
        .map((p) => `${where} ${p}`),
    )
    expect(problems).toEqual([])
  })

  // An error's `.message` ends with a full stop; a `reason` is a clause by convention (docs/message-style.md).
  test('an error message quoted inside another goes through clause() or causeOf(): it never ends in `.).`', () => {
    const problems = literals().flatMap(({ where, node }) => {
      if (!ts.isTemplateExpression(node)) return []
      return node.templateSpans
        .filter((span) => /\.message$/.test(span.expression.getText()) && /^\)?\./.test(span.literal.text))
        .filter((span) => !isDebugLog(node))
        .map((span) => `${where}: \${${span.expression.getText()}}${span.literal.text.slice(0, 3)}`)
    })
    expect(problems).toEqual([])
  })
})

function isDebugLog(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (ts.isCallExpression(n)) return /\.debug$/.test(n.expression.getText())
  return false
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}
