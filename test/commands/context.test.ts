import { describe, expect, test } from 'bun:test'
import { apiUrlFor, DEFAULT_API_URL, resolveEnv } from '../../src/context'
import { parseGlobalOptions } from '../../src/commands/global-args'
import { UsageError } from '../../src/lib/errors'
import { createTestContext } from '../helpers/context'

const io = (vars: Record<string, string | undefined>, tty = false) => ({ vars, stdin: { isTTY: tty } as NodeJS.ReadStream, stdout: { isTTY: tty } as NodeJS.WriteStream })

describe('settings', () => {
  test('PENSAR_HOME, else ~/.pensar', () => {
    expect(resolveEnv({ json: false, debug: false }, io({ HOME: '/h', PENSAR_HOME: '/p' })).home).toBe('/p')
    expect(resolveEnv({ json: false, debug: false }, io({ HOME: '/h' })).home).toBe('/h/.pensar')
  })

  test('a PENSAR_HOME the shell did not expand (`~`, `~/x`) is under HOME; `~x` and relative paths are not touched', () => {
    const home = (PENSAR_HOME: string) => resolveEnv({ json: false, debug: false }, io({ HOME: '/h/', PENSAR_HOME })).home
    expect(home('~/x')).toBe('/h/x')
    expect(home('~')).toBe('/h')
    expect(home('~other/x')).toBe(`${process.cwd()}/~other/x`)
  })

  test('PENSAR_API_URL: spaces and trailing slashes trimmed; credentials, a query, a fragment or another scheme are a usage error', () => {
    expect(resolveEnv({ json: false, debug: false }, io({ PENSAR_API_URL: '  https://api.example.test/  ' })).apiUrl).toBe('https://api.example.test')
    expect(resolveEnv({ json: false, debug: false }, io({ PENSAR_API_URL: '   ' })).apiUrlExplicit).toBe(false)
    for (const bad of ['http://u:p@x', 'https://x/?a=1', 'https://x/#f', 'file:///etc/passwd', 'javascript:alert(1)', 'garbage']) {
      expect(() => resolveEnv({ json: false, debug: false }, io({ PENSAR_API_URL: bad }))).toThrow(UsageError)
    }
  })

  test('--api-url beats PENSAR_API_URL beats the default; trailing slashes go', () => {
    expect(resolveEnv({ json: false, debug: false, apiUrl: 'http://flag' }, io({ PENSAR_API_URL: 'http://env' })).apiUrl).toBe('http://flag')
    expect(resolveEnv({ json: false, debug: false }, io({ PENSAR_API_URL: 'http://env/' }))).toMatchObject({ apiUrl: 'http://env', apiUrlExplicit: true })
    expect(resolveEnv({ json: false, debug: false }, io({}))).toMatchObject({ apiUrl: DEFAULT_API_URL, apiUrlExplicit: false })
  })

  test('PENSAR_DEBUG=1 turns on debug; NO_COLOR and pipes turn off colour; a terminal needs stdin and stdout', () => {
    expect(resolveEnv({ json: false, debug: false }, io({ PENSAR_DEBUG: '1' })).debug).toBe(true)
    expect(resolveEnv({ json: false, debug: false }, io({ PENSAR_DEBUG: '0' })).debug).toBe(false)
    expect(resolveEnv({ json: false, debug: false }, io({ NO_COLOR: '' }, true)).noColor).toBe(true)
    expect(resolveEnv({ json: false, debug: false }, io({}, true))).toMatchObject({ noColor: false, isTTY: true })
    expect(resolveEnv({ json: false, debug: false }, io({}, false))).toMatchObject({ noColor: true, isTTY: false })
  })

  test('global flags are read from anywhere before --', () => {
    expect(parseGlobalOptions(['login', '--json', '--api-url', 'http://x/', '--debug'])).toEqual({ json: true, debug: true, apiUrl: 'http://x' })
    expect(parseGlobalOptions(['login', '--api-url=https://y'])).toMatchObject({ apiUrl: 'https://y' })
    expect(parseGlobalOptions(['--', '--json'])).toEqual({ json: false, debug: false })
    expect(() => parseGlobalOptions(['--api-url'])).toThrow(UsageError)
    expect(() => parseGlobalOptions(['--api-url', 'nope'])).toThrow('Invalid API URL in --api-url ("nope"): it is not a URL')
  })

  test('a stored session keeps talking to its own API unless one is given explicitly', () => {
    const t = createTestContext()
    t.ctx.store.writeConfig({ apiUrl: 'http://stored/' })
    expect(apiUrlFor(t.ctx)).toBe('http://stored')
    t.ctx.env.apiUrlExplicit = true
    expect(apiUrlFor(t.ctx)).toBe(t.ctx.env.apiUrl)
    t.cleanup()
  })
})
