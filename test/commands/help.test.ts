// `--help`, `pensar help …` and `pensar version`, as a person reads them: every command of the
// tree, walked, so a command registered later is held to the same rules.
import { describe, expect, test } from 'bun:test'
import { commandTree, type CommandNode } from '../../src/commands/command-tree'
import { renderHelp } from '../../src/commands/help-text'
import { createPaint } from '../../src/ui/style'
import { rootCommand } from '../../src/commands/root'
import { main } from '../../src/main'
import { BUILD } from '../../src/build-info'
import { createTestContext } from '../helpers/context'
import { captureIo } from '../helpers/process-io'

async function run(argv: string[]) {
  const io = captureIo()
  const code = await main(argv, io)
  return { code, out: io.out(), err: io.err() }
}

async function everyCommand(): Promise<CommandNode[]> {
  const t = createTestContext()
  const all: CommandNode[] = []
  const visit = (node: CommandNode) => (all.push(node), node.subcommands.forEach(visit))
  visit(commandTree(rootCommand(t.ctx)))
  t.cleanup()
  return all
}

describe('--help', () => {
  test('every command: `pensar` and its full name in the USAGE line, no "(…)" suffix after the description, --help listed, no trailing blanks', async () => {
    const commands = await everyCommand()
    expect(commands.map((c) => c.path.join(' '))).toContain('pensar auth status')
    for (const node of commands) {
      const { code, out } = await run([...node.path.slice(1), '--help'])
      const name = node.path.join(' ')
      expect({ name, code }).toEqual({ name, code: 0 })
      expect(out.split('\n')[0]).toBe(node.description)
      expect(out).toContain(`USAGE ${name} `)
      expect(out).not.toMatch(/\((?:pensar|auth|login)[^)]*\)\n/)
      expect(out).toContain('-h, --help')
      expect(out.split('\n').filter((line) => line !== line.trimEnd())).toEqual([])
      expect(out).not.toContain('\x1b[')
    }
  })

  test('on a terminal every help fits 40 and 60 columns, with every word whole; a wide one is the same as in a pipe', async () => {
    const plain = createPaint(false)
    // A shell continuation's backslash is no word, nor part of one.
    const words = (text: string) => text.split(/\s+/).map((w) => w.replace(/\\$/, '')).filter((w) => w && w !== '#').sort()
    for (const node of await everyCommand()) {
      const piped = renderHelp(node, plain)
      for (const cols of [40, 60]) {
        const fitted = renderHelp(node, plain, cols)
        const name = `${node.path.join(' ')} at ${cols}`
        expect({ name, wide: fitted.split('\n').filter((line) => line.length > cols) }).toEqual({ name, wide: [] })
        // Only a word longer than a column (an address, a JSON shape) is cut, and reads whole without the break.
        const long = words(piped).filter((w) => w.length > 24) // may be cut: longer than the narrowest column
        const squashed = fitted.replace(/\\?\n\s*#?\s*/g, '')
        expect({ name, cut: long.filter((w) => !squashed.includes(w)) }).toEqual({ name, cut: [] })
        const whole = (text: string) => words(text).filter((w) => !long.some((l) => l.includes(w)))
        expect({ name, words: whole(fitted) }).toEqual({ name, words: whole(piped) })
      }
      expect(renderHelp(node, plain, 1000)).toBe(piped)
    }
  })

  test('an example too wide for the terminal: the comment above it, the command continued with a backslash, as a shell reads it', async () => {
    const t = createTestContext()
    const login = commandTree(rootCommand(t.ctx)).subcommands.find((c) => c.path.at(-1) === 'login')!
    t.cleanup()
    const fitted = renderHelp(login, createPaint(false), 40)
    expect(fitted).toContain('  # another Console (here a local one)\n  pensar login --api-url \\\n    http://127.0.0.1:4100\n')
    expect(fitted).toContain('  --workspace <id|slug>\n      Workspace to connect (required\n')
  })

  test('`pensar auth status --help` reads USAGE pensar auth status', async () => {
    expect((await run(['auth', 'status', '--help'])).out).toContain('USAGE pensar auth status [OPTIONS]\n')
  })

  test('the top-level help lists every command, --version, and examples', async () => {
    const { out } = await run(['--help'])
    for (const command of ['login', 'status', 'logout', 'workspace', 'open', 'doctor', 'auth', 'version', 'help', 'completion']) expect(out).toMatch(new RegExp(`^  ${command} +\\S`, 'm'))
    expect(out).toContain('-v, --version')
    expect(out).toContain('EXAMPLES')
  })

  test('`pensar login --help` has examples, --with-api-key reading stdin among them', async () => {
    const { out } = await run(['login', '--help'])
    expect(out).toContain('EXAMPLES')
    expect(out).toMatch(/pensar login --with-api-key < key\.txt +# .*stdin/)
    expect(out).toContain('--no-browser')
    expect(out).not.toContain('--browser ') // on by default: only its --no- form is shown
  })

  test('a command with a fixed argument shows its words', async () => {
    expect((await run(['open', '--help'])).out).toContain('USAGE pensar open [OPTIONS] [billing|usage|api-keys|console]')
    expect((await run(['completion', '--help'])).out).toContain('USAGE pensar completion [OPTIONS] <bash|zsh|fish>')
  })

  test('--help after an unknown command is a usage error with a "did you mean", not the top-level help', async () => {
    const { code, err, out } = await run(['stauts', '--help'])
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toContain('Did you mean `pensar status`?')
  })

  test('--help after `--` is an argument, not a request for help', async () => {
    expect((await run(['status', '--', '--help'])).code).toBe(2)
  })
})

describe('pensar help', () => {
  test.each([[['help'], ['--help']], [['help', 'login'], ['login', '--help']], [['help', 'auth', 'status'], ['auth', 'status', '--help']], [['help', 'workspace', 'switch'], ['workspace', 'switch', '--help']]])(
    '%p prints what %p prints',
    async (asked, flagged) => {
      const [a, b] = [await run(asked), await run(flagged)]
      expect(a).toEqual(b)
      expect(a.code).toBe(0)
    },
  )

  test('an unknown command: exit 2 with a "did you mean"', async () => {
    const { code, err } = await run(['help', 'stauts'])
    expect(code).toBe(2)
    expect(err).toContain('Unknown command stauts for `pensar`.')
    expect(err).toContain('Did you mean `pensar status`?')
    expect((await run(['help', 'login', 'statu'])).err).toContain('Did you mean `pensar login status`?')
  })
})

describe('pensar version', () => {
  test('the same line as --version, and the same object with --json', async () => {
    expect((await run(['version'])).out).toBe((await run(['--version'])).out)
    expect((await run(['version'])).out).toBe(`pensar ${BUILD.version} (${BUILD.commit}, built ${BUILD.buildDate}, ${BUILD.target})\n`)
    expect(JSON.parse((await run(['version', '--json'])).out)).toEqual(JSON.parse((await run(['--version', '--json'])).out))
  })
})

describe('a key on the command line', () => {
  test.each([
    [['login', '--with-api-key', 'psk_live_0123456789abcdef']],
    [['login', '--with-api-key=psk_live_0123456789abcdef']],
    [['login', 'psk_live_0123456789abcdef']],
    [['auth', '--with-api-key', 'psk_live_0123456789abcdef']],
    [['status', 'psk_live_0123456789abcdef']],
  ])('%p: exit 2, says the key is read from stdin, never repeats it', async (argv) => {
    const { code, out, err } = await run(argv)
    expect(code).toBe(2)
    expect(err).toContain('reads the key from stdin')
    expect(err).toContain('pensar login --with-api-key < key.txt')
    expect(out + err).not.toContain('0123456789abcdef')
    expect(err).not.toContain('Unknown command')
  })

  test.each([
    [['login', '--with-api-key', 'psk_x']],
    [['login', 'psk_abc', '--with-api-key']],
    [['login', '--with-api-key=psk_x']],
    [['login', '--with-api-key', 'my-key']],
  ])('%p (a placeholder, a key cut short, any word after --with-api-key): says the key is read from stdin', async (argv) => {
    const { code, err } = await run(argv)
    expect(code).toBe(2)
    expect(err).toContain('reads the key from stdin')
    expect(err).not.toContain('Unknown command')
    expect(err).not.toMatch(/psk_x|psk_abc|my-key/)
  })

  test('a word that is no key is still an unknown command', async () => {
    expect((await run(['login', 'stauts'])).err).toContain('Unknown command stauts for `pensar login`.')
  })

  test('--json: the error event carries its own code', async () => {
    const io = captureIo()
    expect(await main(['login', '--with-api-key', 'psk_live_0123456789abcdef', '--json'], io)).toBe(2)
    expect(JSON.parse(io.out())).toMatchObject({ event: 'error', code: 'secret_on_command_line' })
  })
})

describe('a fixed argument', () => {
  test('a word it does not take: exit 2 with a "did you mean"', async () => {
    const { code, err } = await run(['open', 'biling'])
    expect(code).toBe(2)
    expect(err).toContain('`pensar open` takes billing, usage, api-keys, console, not "biling".')
    expect(err).toContain('Did you mean `pensar open billing`?')
    expect((await run(['completion', 'powershell'])).code).toBe(2)
    expect((await run(['completion'])).err).toContain('`pensar completion` needs SHELL.')
  })
})
