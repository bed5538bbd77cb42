import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { parseConsoleArgs } from '../../console/main.ts'

const ROOT = join(import.meta.dir, '..', '..')

describe('console/main.ts arguments', () => {
  test('parses every option', () => {
    expect(parseConsoleArgs(['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--access-ttl', '60', '--device-ttl', '1.5',
      '--interval', '0.2', '--seed', 'demo', '--dev', '--trust-issuer', 'http://127.0.0.1:9', '--legacy-only',
      '--public-url', 'http://localhost:4100/', '--device-code-limit', '3', '--signup-limit', '2'])).toEqual({
      port: 0, host: '127.0.0.1', db: ':memory:', accessTtlSeconds: 60, deviceTtlSeconds: 1.5, intervalSeconds: 0.2,
      seed: 'demo', dev: true, trustIssuer: 'http://127.0.0.1:9', legacyOnly: true,
      publicUrl: 'http://localhost:4100', trustProxy: false, deviceCodeLimit: 3, signupLimit: 2,
    })
  })

  test('--dev and --seed demo are allowed on loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(parseConsoleArgs(['--dev', '--seed', 'demo', '--host', host]).host).toBe(host)
  })

  test('a network host, a proxy or a public URL is served without --dev and --seed demo', () => {
    expect(parseConsoleArgs(['--host', '192.0.2.7']).host).toBe('192.0.2.7')
    expect(parseConsoleArgs(['--host', '0.0.0.0', '--public-url', 'https://console.example.com']).publicUrl).toBe('https://console.example.com')
    expect(parseConsoleArgs(['--host', '::', '--public-url', 'http://[2001:db8::7]:4100']).publicUrl).toBe('http://[2001:db8::7]:4100')
    expect(parseConsoleArgs(['--trust-proxy', '--public-url', 'https://console.example.com']).trustProxy).toBe(true)
  })

  test.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--interval=0'], /--interval must be a positive number/],
    [['--access-ttl', 'soon'], /--access-ttl must be a whole number/],
    [['--seed', 'prod'], /--seed accepts only "demo"/],
    [['--trust-issuer', 'not a url'], /--trust-issuer must be an http\(s\) URL/],
    [['--bogus'], /Unknown option/],
    [['--dev', '--host', '0.0.0.0', '--public-url', 'http://192.0.2.7:4100'], /--dev \(the control API\) is only served on loopback, never with --host 0\.0\.0\.0/],
    [['--dev', '--host', '192.0.2.7'], /--dev \(the control API\) is only served on loopback/],
    [['--dev', '--trust-proxy'], /--dev \(the control API\) is only served on loopback, never with --trust-proxy/],
    [['--dev', '--public-url', 'https://console.example.com'], /never with --public-url https:\/\/console\.example\.com/],
    [['--seed', 'demo', '--host', '192.0.2.7'], /--seed demo \(user demo@pensar\.local, password "demo"\) is only served on loopback/],
    [['--seed', 'demo', '--host', '0.0.0.0', '--public-url', 'http://192.0.2.7:4100'], /--seed demo .* never with --host 0\.0\.0\.0/],
    [['--seed', 'demo', '--trust-proxy'], /--seed demo .* never with --trust-proxy/],
    [['--host', '0.0.0.0'], /--host 0\.0\.0\.0 listens on every address.*Add --public-url/],
    [['--host', '::'], /--host :: listens on every address/],
    [['--public-url', 'https://console.example.com/pensar'], /--public-url must be an http\(s\) address with no path/],
    [['--public-url', 'ftp://console.example.com'], /--public-url must be an http\(s\) address/],
    [['--device-code-limit', '0'], /--device-code-limit must be a whole number from 1/],
    [['--signup-limit', 'many'], /--signup-limit must be a whole number/],
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
