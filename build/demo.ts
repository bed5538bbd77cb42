// `bun run demo`: the main job end to end on one machine. Builds dist/pensar, starts the local
// Pensar Console with the demo data, and runs `pensar login` against it with its own state folder
// (.pensar-demo/, so a real ~/.pensar is never touched). On a terminal you approve in your browser
// (sign in as demo@pensar.local / demo); with --auto-approve, or without a terminal, the demo
// approves through the Console's control API as the demo user, as a second person would.
import { resolve } from 'node:path'
import { checkStarts, compile } from './compile'

const ROOT = resolve(import.meta.dir, '..')
const DEMO_EMAIL = 'demo@pensar.local'
// `--home DIR` and `--binary PATH` (an already built pensar) are for the demo's own test.
const DEMO_HOME = resolve(option('--home') ?? resolve(ROOT, '.pensar-demo'))
const prebuilt = option('--binary')
const BINARY = resolve(prebuilt ?? resolve(ROOT, 'dist/pensar'))

const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY)
const autoApprove = process.argv.includes('--auto-approve') || !interactive

if (!prebuilt) await compile({ outfile: BINARY })
checkStarts(BINARY)

const console_ = await startConsole()
// Ctrl-C reaches pensar too, which cancels and exits; the demo then stops the Console below.
process.on('SIGINT', () => {})
// A kill (a test's, a supervisor's) stops the Console at once.
process.on('SIGTERM', () => {
  console_.proc.kill()
  process.exit(143)
})
const env = { ...process.env, PENSAR_HOME: DEMO_HOME, PENSAR_API_URL: console_.url, NO_PROXY: '127.0.0.1,localhost' }
try {
  process.stderr.write(
    `\nLocal Pensar Console: ${console_.url}  (state for this demo: ${DEMO_HOME})\n` +
      (autoApprove
        ? `The demo approves the code itself, as ${DEMO_EMAIL}.\n\n`
        : `Sign in as ${DEMO_EMAIL} with password "demo" when the browser asks.\n\n`),
  )
  const loginArgs = ['login', ...(interactive ? [] : ['--workspace', 'acme', '--no-browser'])]
  const login = Bun.spawn([BINARY, ...loginArgs], { env, stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' })
  if (autoApprove) void approveWhenPending(console_.url, login.exited)
  const code = await login.exited
  if (code === 0) {
    const status = Bun.spawn([BINARY, 'status'], { env, stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' })
    await status.exited
  }
  process.exitCode = code
} finally {
  console_.proc.kill()
  await console_.proc.exited
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at >= 0 ? process.argv[at + 1] : undefined
}

async function startConsole() {
  const proc = Bun.spawn(['bun', 'console/main.ts', '--port', '0', '--seed', 'demo', '--dev', '--db', ':memory:', '--interval', '1'], {
    cwd: ROOT,
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = proc.stdout.getReader()
  let seen = ''
  while (true) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the local Console exited before it was ready:\n${seen}`)
    seen += new TextDecoder().decode(value)
    const match = seen.match(/Pensar Console listening on (http:\/\/\S+)/)
    if (match?.[1]) {
      reader.releaseLock()
      return { proc, url: match[1] }
    }
  }
}

/** Plays the person in the browser: waits for the CLI's code to be pending, then approves it. */
async function approveWhenPending(url: string, done: Promise<number>) {
  let finished = false
  void done.then(() => (finished = true))
  while (!finished) {
    const res = await fetch(`${url}/_console/device/pending`)
    const { codes } = (await res.json()) as { codes: { user_code: string }[] }
    const first = codes[0]
    if (first) {
      await fetch(`${url}/_console/device/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_code: first.user_code, email: DEMO_EMAIL }),
      })
      return
    }
    await Bun.sleep(300) // polling a demo's control API, not synchronising a test
  }
}
