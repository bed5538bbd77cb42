// `bun run demo`: the main job end to end on one machine. Builds dist/pensar, starts the local
// Pensar Console with the demo data, and runs `pensar login` against it with its own state folder
// (.pensar-demo/, so a real ~/.pensar is never touched). On a terminal you approve in your browser
// (sign in as demo@pensar.local / demo); with --auto-approve, or without a terminal, the demo
// approves through the Console's control API as the demo user, as a second person would.
import { resolve } from 'node:path'
import { startLocalConsole, type LocalConsole } from '../console/local-process'
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

const console_ = await startLocalConsole(['--seed', 'demo', '--interval', '1'])
// Ctrl-C reaches pensar too, which cancels and exits; the demo then stops the Console below.
process.on('SIGINT', () => {})
// A kill (a test's, a supervisor's) stops the Console at once.
process.on('SIGTERM', () => void console_.stop().then(() => process.exit(143)))
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
  if (autoApprove) void approveWhenPending(console_).catch((error) => process.stderr.write(`The demo could not approve the code: ${error.message}\n`))
  const code = await login.exited
  if (code === 0) {
    const status = Bun.spawn([BINARY, 'status'], { env, stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' })
    await status.exited
  }
  process.exitCode = code
} finally {
  await console_.stop()
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at >= 0 ? process.argv[at + 1] : undefined
}

/** Plays the person in the browser: waits for the CLI's code to be pending, then approves it. */
async function approveWhenPending(pc: LocalConsole) {
  const code = await pc.waitForPending({ timeoutMs: 60_000 })
  await pc.control.approve(code.user_code, DEMO_EMAIL)
}
