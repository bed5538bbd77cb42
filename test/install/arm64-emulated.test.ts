// The linux-arm64 build runs here before it ships: on an x64 machine under user-mode emulation
// (Debian's qemu-user-static, with the arm64 C library from `dpkg --add-architecture arm64`;
// .ci/run installs both), it answers `--version --json` and logs in against the local Console.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkg from '../../package.json'
import { hostTargetName } from '../../build/release-targets'
import { startTestConsole, type TestConsole } from '../helpers/console'
import { releaseBinary } from '../helpers/release-build'
import { killAllPensar, runPensar } from '../helpers/run-pensar'

const EMULATOR = 'qemu-aarch64-static'
const INSTALL = 'dpkg --add-architecture arm64 && apt-get update && apt-get install -y qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64'
// Every instruction emulated: a login takes seconds rather than milliseconds.
const SLOW = 120_000

let root: string
let command: string[]
let pc: TestConsole | undefined

// Linux only: the emulator runs Linux binaries, and only Linux machines build and test releases.
describe.if(process.platform === 'linux')('the linux-arm64 build, run here', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pensar-arm64-'))
    const binary = await releaseBinary('linux-arm64')
    if (hostTargetName() === 'linux-arm64') command = [binary]
    else {
      const emulator = Bun.which(EMULATOR)
      if (!emulator) throw new Error(`${EMULATOR} is not installed, so the linux-arm64 build cannot run here. Install it (as .ci/run does): ${INSTALL}`)
      command = [emulator, binary]
    }
  }, 300_000)

  afterAll(async () => {
    killAllPensar()
    await pc?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  test('--version --json names the release version and linux-arm64', async () => {
    const run = await runPensar(['--version', '--json'], { home: root, command })
    const { code, stdout, stderr } = await run.done(SLOW)
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect(JSON.parse(stdout)).toMatchObject({ version: pkg.version, target: 'linux-arm64' })
  }, SLOW)

  test('logs in with the device flow against the local Console and saves the session', async () => {
    pc = await startTestConsole(['--interval', '0.2'])
    await pc.control.createUser('arm64@pensar.local', { password: 'pw', workspaces: [{ name: 'Arm', slug: 'arm', balance: 25, hasPaymentMethod: true }] })
    const home = mkdtempSync(join(root, 'home-'))
    const login = await runPensar(['login', '--json', '--no-browser', '--api-url', pc.url], { home, command })
    const code = await login.waitForEvent('device_code', SLOW)
    await pc.control.approve(String(code.user_code), 'arm64@pensar.local')
    const result = await login.done(SLOW)
    expect(result.code).toBe(0)
    expect(result.events.map((e) => e.event)).toEqual(['device_code', 'authorized', 'workspace_selected', 'logged_in'])
    expect(result.events[3]).toMatchObject({ user: { email: 'arm64@pensar.local' }, workspace: { slug: 'arm' } })
    const auth = join(home, '.pensar', 'auth.json')
    expect(statSync(auth).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(auth, 'utf8')).refreshToken).toBeString()

    const status = await runPensar(['status', '--json'], { home, command })
    const online = await status.done(SLOW)
    expect(online.code).toBe(0)
    expect(JSON.parse(online.stdout)).toMatchObject({ loggedIn: true, workspace: { slug: 'arm' }, online: { ok: true } })
  }, SLOW)
})
