import { describe, expect, test } from 'bun:test'
import type { ArgsDef } from 'citty'
import { choiceArg } from '../../src/commands/command-tree'
import { parseCommandArgs } from '../../src/commands/parse-args'
import { UsageError } from '../../src/lib/errors'

const defs = {
  workspace: { type: 'string', valueHint: 'id|slug' },
  browser: { type: 'boolean', default: true },
  'with-api-key': { type: 'boolean' },
  format: { type: 'enum', options: ['text', 'json'] },
  verbose: { type: 'boolean', alias: 'v' },
} satisfies ArgsDef

const parse = (argv: string[], d: ArgsDef = defs) => parseCommandArgs(argv, d, 'pensar login')
const usageError = (argv: string[], d: ArgsDef = defs): UsageError => {
  try {
    parse(argv, d)
  } catch (error) {
    if (error instanceof UsageError) return error
    throw error
  }
  throw new Error(`${argv.join(' ')} was accepted`)
}

describe('parseCommandArgs', () => {
  test('defaults, values in both spellings, the last one wins', () => {
    expect(parse([])).toEqual({ _: [], browser: true })
    expect(parse(['--workspace', 'acme']).workspace).toBe('acme')
    expect(parse(['--workspace=acme', '--workspace', 'beta']).workspace).toBe('beta')
    expect(parse(['--workspace=a=b']).workspace).toBe('a=b')
    expect(parse(['--workspace', '-']).workspace).toBe('-')
  })

  test('switches: --x, --no-x, --x=true|false', () => {
    expect(parse(['--no-browser']).browser).toBe(false)
    expect(parse(['--browser=false']).browser).toBe(false)
    expect(parse(['--no-browser', '--browser']).browser).toBe(true)
    expect(parse(['--no-browser=false']).browser).toBe(true)
    expect(parse(['--with-api-key'])['with-api-key']).toBe(true)
  })

  test('camelCase and aliases reach the declared name, under every spelling', () => {
    const parsed = parse(['--withApiKey', '-v'])
    expect(parsed['with-api-key']).toBe(true)
    expect(parsed.withApiKey).toBe(true)
    expect(parsed.verbose).toBe(true)
    expect(parsed.v).toBe(true)
  })

  test('words and everything after -- are positionals', () => {
    expect(parse(['status', '--', '--workspace'])._).toEqual(['status', '--workspace'])
  })

  test('declared positionals take the leading words', () => {
    const withTarget = { target: { type: 'positional' }, force: { type: 'boolean' } } satisfies ArgsDef
    expect(parse(['prod', 'extra', '--force'], withTarget)).toEqual({ _: ['extra'], target: 'prod', force: true })
    expect(usageError([], withTarget).message).toBe('`pensar login` needs TARGET.')
  })

  test.each([
    [['--worksapce', 'acme'], 'Unknown option --worksapce for `pensar login`.'],
    [['--worksapce=acme'], 'Unknown option --worksapce for `pensar login`.'],
    [['--no-workspace'], 'Unknown option --no-workspace for `pensar login`.'],
    [['--workspace'], '--workspace needs a value, e.g. --workspace=<id|slug>.'],
    [['--workspace', '--no-browser'], '--workspace needs a value, e.g. --workspace=<id|slug>.'],
    [['--browser=no'], '--browser is a switch: give it alone, or as =true or =false.'],
    [['--format', 'xml'], '--format must be one of text, json, not "xml".'],
    [['--workspace='], '--workspace needs a value, e.g. --workspace=<id|slug>.'],
    [['--workspace', ''], '--workspace needs a value, e.g. --workspace=<id|slug>.'],
    [['--workspace', '  '], '--workspace needs a value, e.g. --workspace=<id|slug>.'],
    [[`--${'x'.repeat(100)}`], `Unknown option --${'x'.repeat(57)}… (102 characters) for \`pensar login\`.`],
  ])('%p is a usage error: %p', (argv, message) => {
    const error = usageError(argv)
    expect(error.message).toBe(message)
    expect(error.exitCode).toBe(2)
  })

  test('a word a fixed-word argument does not take is quoted like any other, never pages of it', () => {
    const page = choiceArg({ options: ['billing', 'usage'] })
    expect(usageError(['biling'], { page }).message).toBe('`pensar login` takes billing, usage, not "biling".')
    expect(usageError(['y'.repeat(100)], { page }).message).toBe(`\`pensar login\` takes billing, usage, not "${'y'.repeat(59)}… (100 characters)".`)
  })

  test('an unknown option suggests the one it is closest to', () => {
    expect(usageError(['--worksapce', 'acme']).hint).toBe('Did you mean --workspace? Run `pensar login --help` to see the options.')
    expect(usageError(['--no-brwoser']).hint).toBe('Run `pensar login --help` to see the options.')
    expect(usageError(['--frobnicate']).hint).toBe('Run `pensar login --help` to see the options.')
  })

  test('a required flag must be given', () => {
    expect(usageError([], { key: { type: 'string', required: true } }).message).toBe('`pensar login` needs --key.')
  })
})
