import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { parseConsoleArgs } from '../../console/main.ts'

const ROOT = join(import.meta.dir, '..', '..')

describe('console/main.ts arguments', () => {
  test('parses every option', () => {
    expect(parseConsoleArgs(['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--access-ttl', '60', '--device-ttl', '1.5',
      '--interval', '0.2', '--seed', 'demo', '--dev', '--trust-issuer', 'http://127.0.0.1:9', '--legacy-only'])).toEqual({
      port: 0, host: '127.0.0.1', db: ':memory:', accessTtlSeconds: 60, deviceTtlSeconds: 1.5, intervalSeconds: 0.2,
      seed: 'demo', dev: true, trustIssuer: 'http://127.0.0.1:9', legacyOnly: true,
    })
  })

  test('--dev is allowed on loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(parseConsoleArgs(['--dev', '--host', host]).host).toBe(host)
    expect(parseConsoleArgs(['--host', '0.0.0.0']).dev).toBe(false)
  })

  test.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--interval=0'], /--interval must be a positive number/],
    [['--access-ttl', 'soon'], /--access-ttl must be a whole number/],
    [['--seed', 'prod'], /--seed accepts only "demo"/],
    [['--trust-issuer', 'not a url'], /--trust-issuer must be an http\(s\) URL/],
    [['--bogus'], /Unknown option/],
    [['--dev', '--host', '0.0.0.0'], /--dev \(the control API\) only listens on loopback/],
  ])('rejects %p', (args, message) => {
    expect(() => parseConsoleArgs(args as string[])).toThrow(message)
  })

  test('a bad option exits 2 with the usage; SIGTERM stops a running console with exit 0', async () => {
    const bad = Bun.spawnSync(['bun', 'console/main.ts', '--port', 'x'], { cwd: ROOT })
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr.toString()).toContain('Usage: bun console/main.ts')

    const proc = Bun.spawn(['bun', 'console/main.ts', '--port', '0', '--db', ':memory:', '--seed', 'demo'], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
    try {
      const reader = proc.stdout.getReader()
      let out = ''
      while (!out.includes('\n')) {
        const { value, done } = await reader.read()
        if (done) break
        out += new TextDecoder().decode(value)
      }
      expect(out).toMatch(/^Pensar Console listening on http:\/\/127\.0\.0\.1:\d+\n$/)
      proc.kill('SIGTERM')
      expect(await proc.exited).toBe(0)
    } finally {
      proc.kill('SIGKILL')
    }
  }, 30_000)
})
