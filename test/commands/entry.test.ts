// src/entry.ts answers `--version` before loading main.ts: its output must be main's, byte for
// byte, and every other command line must still reach main.
import { describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { main } from '../../src/main'
import { plainVersionRequest } from '../../src/version'
import { captureIo } from '../helpers/process-io'

const ENTRY = resolve(import.meta.dir, '../../src/entry.ts')

async function runEntry(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, ENTRY, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo()
  const code = await main(args, io)
  return { code, stdout: io.out(), stderr: io.err() }
}

describe('entry', () => {
  for (const args of [['--version'], ['-v'], ['-V', '--json'], ['--json', '--no-json', '--version'], ['--debug', '--version', '--json']]) {
    test(`\`${args.join(' ')}\` prints what main prints`, async () => {
      expect(await runEntry(args)).toEqual(await runMain(args))
    })
  }

  test('--version with --api-url goes through main, which checks the address', async () => {
    const bad = await runEntry(['--version', '--api-url'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--api-url needs a value')
    expect(await runEntry(['--version', '--api-url', 'http://127.0.0.1:9'])).toEqual(await runMain(['--version', '--api-url', 'http://127.0.0.1:9']))
  })

  test('only a lone version flag, with --json, --no-json or --debug around it, takes the shortcut', () => {
    expect(plainVersionRequest(['--version'])).toEqual({ json: false })
    expect(plainVersionRequest(['--json', '-V'])).toEqual({ json: true })
    expect(plainVersionRequest(['--json', '--no-json', '-v', '--debug'])).toEqual({ json: false })
    for (const args of [[], ['--json'], ['--version', '-v'], ['--version', 'login'], ['--version', '--api-url', 'http://x'], ['--version', '--'], ['--help', '--version']]) {
      expect(plainVersionRequest(args)).toBeUndefined()
    }
  })
})
