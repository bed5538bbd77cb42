// `pensar` with no arguments and no terminal: nobody can type at a prompt, so it prints the help
// and exits 0 instead of waiting on a closed stdin.
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pensarBinary } from '../helpers/pensar-binary'

const home = mkdtempSync(join(tmpdir(), 'pensar-noterm-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

test('without a terminal, `pensar` prints the help and exits 0', async () => {
  const proc = Bun.spawn([await pensarBinary()], {
    env: { PATH: process.env.PATH ?? '', HOME: home, PENSAR_HOME: join(home, '.pensar'), NO_COLOR: '1' },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  try {
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()])
    expect(code).toBe(0)
    expect(stdout).toContain('USAGE')
    expect(stdout).toContain('login')
    expect(stdout).toContain('With no command on a terminal: the interactive prompt')
    expect(`${stdout}${stderr}`).not.toContain('for commands')
  } finally {
    proc.kill()
  }
}, 300_000)
