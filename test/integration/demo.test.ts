// The README's first quick-start command, `bun run demo`, without a terminal: it starts the local
// Console with the demo data, runs the compiled `pensar login`, approves as the demo user, and
// shows the status. (`--binary` reuses the suite's build; `--home` keeps the state out of the repo.)
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pensarBinary } from '../helpers/pensar-binary'

const ROOT = resolve(import.meta.dir, '../..')
const home = mkdtempSync(join(tmpdir(), 'pensar-demo-'))
let demo: ReturnType<typeof Bun.spawn> | undefined
afterAll(() => {
  demo?.kill() // the demo stops its Console itself when it ends
  rmSync(home, { recursive: true, force: true })
})

test('bun run demo logs in to the local Console as the demo user and shows the connection', async () => {
  const binary = await pensarBinary()
  demo = Bun.spawn(['bun', 'build/demo.ts', '--home', home, '--binary', binary], {
    cwd: ROOT,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', CI: '' },
  })
  const [stdout, stderr, code] = await Promise.all([new Response(demo.stdout as ReadableStream).text(), new Response(demo.stderr as ReadableStream).text(), demo.exited])
  const output = stdout + stderr
  expect(code).toBe(0)
  expect(output).toContain('Logged in as demo@pensar.local')
  expect(output).toContain('Workspace:   Acme (acme)')
  expect(output).toContain('Connected to Pensar Console')
  expect(output).toMatch(/Balance:\s+\$50\.00\n\s+Billing:\s+ready/)
  const auth = JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'))
  expect(typeof auth.refreshToken).toBe('string')
  expect(output).not.toContain(auth.refreshToken)
  expect(statSync(join(home, 'auth.json')).mode & 0o777).toBe(0o600)
}, 120_000)
