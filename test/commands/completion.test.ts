// `pensar completion bash|zsh|fish`, run in the real shells: bash through its completion
// function (COMP_LINE, as bash's `complete -F` calls it), fish through `complete -C`, zsh through
// a Tab pressed in a real zsh in tmux; each script also passes its shell's syntax check.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { defineCommand, type CommandDef } from 'citty'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { completionScript } from '../../src/commands/completion/script'
import { globalArgs } from '../../src/commands/global-args'
import { rootCommand } from '../../src/commands/root'
import { main } from '../../src/main'
import { Terminal } from '../e2e/support/terminal'
import { createTestContext, type TestContext } from '../helpers/context'
import { captureIo } from '../helpers/process-io'

const dir = mkdtempSync(join(tmpdir(), 'pensar-completion-'))
let t: TestContext
let root: CommandDef<any>
beforeAll(() => {
  t = createTestContext()
  root = rootCommand(t.ctx)
})
afterAll(() => {
  t.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

async function scriptFile(shell: 'bash' | 'zsh' | 'fish', tree: CommandDef<any> = root): Promise<string> {
  const file = join(dir, `${shell}-${Math.random().toString(36).slice(2)}`)
  writeFileSync(file, await completionScript(tree, shell))
  return file
}

function shell(argv: string[]): { code: number; out: string; err: string } {
  const run = Bun.spawnSync(argv, { env: { PATH: process.env.PATH!, HOME: dir }, stdout: 'pipe', stderr: 'pipe' })
  return { code: run.exitCode, out: run.stdout.toString(), err: run.stderr.toString() }
}

/** What bash offers for `line` (the cursor at its end), through the function `complete -F` calls. */
async function bashOffers(line: string, tree?: CommandDef<any>): Promise<string[]> {
  const file = await scriptFile('bash', tree)
  const driver = `source ${JSON.stringify(file)}; COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; _pensar; printf '%s\\n' "\${COMPREPLY[@]}"`
  const run = shell(['bash', '--norc', '--noprofile', '-c', driver])
  expect(run.err).toBe('')
  return run.out.split('\n').filter(Boolean)
}

/** What fish offers for `line`: its own completion engine, `complete -C`. */
async function fishOffers(line: string): Promise<string[]> {
  const file = await scriptFile('fish')
  const run = shell(['fish', '--no-config', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`])
  expect(run.err).toBe('')
  return run.out.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).sort()
}

const ROOT_COMMANDS = ['login', 'status', 'logout', 'workspace', 'open', 'doctor', 'ask', 'usage', 'upgrade', 'auth', 'version', 'help', 'completion']

describe('pensar completion', () => {
  test('prints the script on stdout, and nothing else', async () => {
    const io = captureIo()
    expect(await main(['completion', 'bash'], io)).toBe(0)
    expect(io.out()).toStartWith('# bash completion for pensar')
    expect(io.out()).toContain('complete -F _pensar pensar')
    expect(io.err()).toBe('')
  })

  test('each script passes its shell’s syntax check', async () => {
    expect(shell(['bash', '-n', await scriptFile('bash')])).toMatchObject({ code: 0, err: '' })
    expect(shell(['zsh', '-n', await scriptFile('zsh')])).toMatchObject({ code: 0, err: '' })
    expect(shell(['fish', '-n', await scriptFile('fish')])).toMatchObject({ code: 0, err: '' })
  })
})

describe('bash', () => {
  test('registers the function for pensar', async () => {
    expect(shell(['bash', '--norc', '-c', `source ${await scriptFile('bash')}; complete -p pensar`]).out.trim()).toBe('complete -F _pensar pensar')
  })

  test.each([
    ['pensar ', ROOT_COMMANDS],
    ['pensar lo', ['login', 'logout']],
    ['pensar login ', ['status', 'logout', 'doctor', 'token']],
    ['pensar login --', ['--workspace', '--no-browser', '--with-api-key', '--credential-store', '--api-url', '--json', '--debug', '--help']],
    ['pensar login --workspace ', []], // a value: nothing to offer
    ['pensar login --workspace acme st', ['status']], // the value skipped
    ['pensar --api-url=http://127.0.0.1:4100 wo', ['workspace']], // `=` and `:` do not split words
    ['pensar --api-url http://127.0.0.1:4100 st', ['status']],
    ['pensar auth status --', ['--offline', '--api-url', '--json', '--debug', '--help']],
    ['pensar workspace ', ['list', 'switch']],
    ['pensar open ', ['billing', 'usage', 'api-keys', 'console']],
    ['pensar open u', ['usage']],
    ['pensar open billing ', []], // it takes one page
    ['pensar completion ', ['bash', 'zsh', 'fish']],
    ['pensar help ', ROOT_COMMANDS],
    ['pensar help auth ', ['status', 'logout', 'doctor', 'token']],
    ['pensar -', ['--api-url', '--json', '--debug', '--help', '-h', '--version', '-v']],
    ['pensar status -- ', []],
  ])('%p offers %p', async (line, offered) => {
    expect(await bashOffers(line)).toEqual(offered)
  })

  test('a command added to the tree completes without touching the scripts, its enum values too', async () => {
    const tree = rootCommand(t.ctx)
    const subs = tree.subCommands as Record<string, CommandDef<any>>
    subs.audit = defineCommand({
      meta: { name: 'audit', description: 'Audit something' },
      args: { format: { type: 'enum', options: ['text', 'json'], description: 'Output format' }, ...globalArgs },
      run: () => {},
    })
    expect(await bashOffers('pensar au', tree)).toEqual(['auth', 'audit'])
    expect(await bashOffers('pensar audit --f', tree)).toEqual(['--format'])
    expect(await bashOffers('pensar audit --format ', tree)).toEqual(['text', 'json'])
  })
})

describe('fish', () => {
  test.each([
    ['pensar ', ROOT_COMMANDS],
    ['pensar login --', ['--api-url', '--credential-store', '--debug', '--help', '--json', '--no-browser', '--with-api-key', '--workspace']],
    ['pensar login --workspace acme st', ['status']],
    ['pensar open ', ['api-keys', 'billing', 'console', 'usage']],
    ['pensar open billing ', []],
    ['pensar help auth ', ['doctor', 'logout', 'status', 'token']],
    ['pensar completion z', ['zsh']],
  ])('%p offers %p', async (line, offered) => {
    expect(await fishOffers(line)).toEqual([...offered].sort())
  })
})

describe('zsh', () => {
  test('Tab in a real zsh (compinit, the script in $fpath) lists the commands and flags with descriptions', async () => {
    const zdot = mkdtempSync(join(dir, 'zdot-'))
    writeFileSync(join(zdot, '_pensar'), await completionScript(root, 'zsh'))
    writeFileSync(join(zdot, '.zshrc'), `fpath=(${zdot} $fpath)\nautoload -Uz compinit && compinit -u -D\nPS1='> '\n`)
    const term = await Terminal.start({ command: ['zsh', '-i'], env: { PATH: process.env.PATH, HOME: zdot, ZDOTDIR: zdot, TERM: 'xterm-256color' }, cols: 160 })
    try {
      await term.waitFor('> ')
      term.type('pensar login --')
      term.press('Tab')
      await term.waitFor(/--with-api-key +-- Log in with an API key read from stdin/)
      expect(term.screen()).toMatch(/--workspace +-- Workspace to connect/)
      term.press('C-u')
      term.type('pensar help auth ')
      term.press('Tab')
      await term.waitFor(/status +-- Show the Pensar Console connection/)
      expect(term.screen()).toMatch(/logout +-- Revoke/)
    } finally {
      term.stop()
    }
  }, 30_000)
})
