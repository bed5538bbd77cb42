import { afterAll, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSystemBrowser, openerCommands } from '../../src/lib/browser'

const dir = mkdtempSync(join(tmpdir(), 'pensar-browser-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

async function waitForFile(path: string): Promise<string> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (existsSync(path) && readFileSync(path, 'utf8')) return readFileSync(path, 'utf8')
    await Bun.sleep(20) // polling a file another process writes
  }
  throw new Error(`${path} never appeared`)
}

describe('openerCommands', () => {
  const url = 'https://x.test/a?b=1'
  test('BROWSER first, with %s substitution, then the platform opener', () => {
    expect(openerCommands(url, { BROWSER: 'firefox --new-tab', DISPLAY: ':0' }, 'linux')).toEqual([['firefox', '--new-tab', url], ['xdg-open', url], ['gio', 'open', url]])
    expect(openerCommands(url, { BROWSER: 'echo %s' }, 'darwin')).toEqual([['echo', url], ['open', url]])
    expect(openerCommands(url, {}, 'win32')).toEqual([['rundll32', 'url.dll,FileProtocolHandler', url]])
    expect(openerCommands(url, { WSL_DISTRO_NAME: 'Ubuntu' }, 'linux')[0]).toEqual(['wslview', url])
  })

  test('no display and no BROWSER on Linux: nothing to try', () => {
    expect(openerCommands(url, {}, 'linux').filter((c) => c[0] !== 'wslview' && c[0] !== 'xdg-open')).toEqual([])
  })
})

describe('system browser', () => {
  test('runs BROWSER with the URL as one argument, no shell', async () => {
    const out = join(dir, 'opened.txt')
    const opener = script('ok', `printf '%s' "$1" > '${out}'`)
    const url = 'https://x.test/device?user_code=AB;touch /tmp/pwned'
    const result = await createSystemBrowser({ env: { BROWSER: opener }, platform: 'linux' }).open(url)
    expect(result.opened).toBe(true)
    expect(await waitForFile(out)).toBe(url)
  }, 30_000)

  test('an opener that exits non-zero quickly counts as failure, with the reason', async () => {
    const result = await createSystemBrowser({ env: { BROWSER: script('fail', 'exit 3') }, platform: 'linux' }).open('https://x.test/')
    expect(result).toEqual({ opened: false, reason: expect.stringContaining('exited with code 3') })
  }, 30_000)

  test('refuses unsafe URLs without running anything', async () => {
    const out = join(dir, 'never.txt')
    const result = await createSystemBrowser({ env: { BROWSER: script('never', `touch '${out}'`) }, platform: 'linux' }).open('javascript:alert(1)')
    expect(result.opened).toBe(false)
    expect(existsSync(out)).toBe(false)
  })

  test('no opener found: not opened, with a reason', async () => {
    const result = await createSystemBrowser({ env: {}, platform: 'linux', which: () => null }).open('https://x.test/')
    expect(result.opened).toBe(false)
  })
})
