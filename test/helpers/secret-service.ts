// A real Secret Service for the keychain tests: Debian's gnome-keyring in a D-Bus session of its
// own (dbus-run-session), in a throw-away HOME, so no test ever reaches a developer's keyring and
// the rest of the suite runs without one. The session lives as long as the supervisor script
// reads its stdin; `stop()` ends the whole process group (dbus-daemon, the keyring daemon and
// anything the bus started), then deletes the folder.
//
// What each kind reproduces, as measured with gnome-keyring 42 (lib/keychain.ts):
// - `unlocked`: a login keyring unlocked with a password, as on a desktop after login;
// - `locked`:   that keyring locked, with no prompter to ask for its password (no display):
//               reads answer null as if empty, deletes answer false, writes are refused;
// - `prompt-hangs`: locked, and the unlock prompt never answers (a desktop where nobody types
//               the password): every call on the keyring blocks;
// - `daemon-hangs`: the bus starts a Secret Service that never comes up: every call blocks.
import type { Subprocess } from 'bun'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitUntil } from './wait-until'

export type SecretServiceKind = 'unlocked' | 'locked' | 'prompt-hangs' | 'daemon-hangs'

export interface SecretService {
  /** What a pensar binary (or secret-tool) needs to use this keyring. */
  readonly env: Record<string, string>
  /** Runs secret-tool against this keyring. */
  secretTool(args: string[], stdin?: string): { code: number; stdout: string; stderr: string }
  /** The value stored under `account` of service dev.pensar.apex, or null. */
  lookup(account: string): string | null
  /** The accounts stored under service dev.pensar.apex. */
  accounts(): string[]
  /** Locks the login keyring (as a screen lock or `seahorse` would). */
  lock(): void
  stop(): Promise<void>
}

const LOGIN_COLLECTION = '/org/freedesktop/secrets/collection/login'

/** gnome-keyring, dbus-run-session and secret-tool are installed (`.ci/run` installs them). */
export function secretServiceInstalled(): boolean {
  return ['dbus-run-session', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool'].every((tool) => Bun.which(tool) !== null)
}

const running = new Set<SecretService>()

/** Stops every Secret Service still running (afterAll). */
export async function stopAllSecretServices(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()))
}

export async function startSecretService(kind: SecretServiceKind = 'unlocked'): Promise<SecretService> {
  const root = mkdtempSync(join(tmpdir(), 'pensar-keyring-'))
  const home = join(root, 'home')
  const runtime = join(root, 'run')
  mkdirSync(home, { mode: 0o700 })
  mkdirSync(runtime, { mode: 0o700 })
  const config = kind === 'prompt-hangs' || kind === 'daemon-hangs' ? busConfig(root, kind) : undefined
  const daemonEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), XDG_RUNTIME_DIR: runtime, LANG: 'C.UTF-8' }
  const startKeyring = kind === 'daemon-hangs' ? '' : 'printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &'
  // The supervisor: says where the bus is, starts the keyring, and lives until stdin closes.
  const supervisor = `echo "ADDRESS=$DBUS_SESSION_BUS_ADDRESS"; ${startKeyring} cat >/dev/null`
  const proc = Bun.spawn(['dbus-run-session', ...(config ? [`--config-file=${config}`] : []), '--', 'sh', '-c', supervisor], {
    env: daemonEnv,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'ignore',
    // Its own process group: stop() ends everything the session started, by the group's id.
    detached: true,
  })
  const address = await readAddress(proc)
  const env = { DBUS_SESSION_BUS_ADDRESS: address }
  const toolEnv = { ...daemonEnv, ...env }
  const run = (cmd: string[], stdin?: string) => {
    const r = Bun.spawnSync(cmd, { env: toolEnv, stdin: stdin === undefined ? 'ignore' : new TextEncoder().encode(stdin), stdout: 'pipe', stderr: 'pipe', timeout: 10_000 })
    return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() }
  }
  let stopped = false
  const service: SecretService = {
    env,
    secretTool: (args, stdin) => run(['secret-tool', ...args], stdin),
    lookup(account) {
      const r = run(['secret-tool', 'lookup', 'service', 'dev.pensar.apex', 'account', account])
      return r.code === 0 ? r.stdout : null
    },
    accounts() {
      const r = run(['secret-tool', 'search', '--all', 'service', 'dev.pensar.apex'])
      return [...`${r.stdout}\n${r.stderr}`.matchAll(/^attribute\.account = (.*)$/gm)].map((m) => m[1]!)
    },
    lock() {
      const r = run(['dbus-send', '--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', `array:objpath:${LOGIN_COLLECTION}`])
      if (r.code !== 0) throw new Error(`could not lock the keyring: ${r.stderr}`)
    },
    async stop() {
      if (stopped) return
      stopped = true
      running.delete(service)
      try {
        process.kill(-proc.pid, 'SIGKILL')
      } catch {}
      await proc.exited
      rmSync(root, { recursive: true, force: true })
    },
  }
  running.add(service)
  try {
    if (kind !== 'daemon-hangs') await waitUntil(() => run(['dbus-send', '--session', '--print-reply', '--dest=org.freedesktop.DBus', '/', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets']).stdout.includes('boolean true'), 'the keyring daemon on the bus', 10_000)
    // The login keyring exists once something is stored in it; then it can be locked.
    if (kind === 'locked' || kind === 'prompt-hangs') {
      const stored = run(['secret-tool', 'store', '--label=setup', 'service', 'pensar-test-setup', 'account', 'setup'], 'x')
      if (stored.code !== 0) throw new Error(`could not create the login keyring: ${stored.stderr}`)
      service.lock()
    }
  } catch (error) {
    await service.stop()
    throw error
  }
  return service
}

/** The first line of the supervisor's stdout: the bus address. */
async function readAddress(proc: Subprocess<'pipe', 'pipe', 'ignore'>): Promise<string> {
  const reader = proc.stdout.getReader()
  let text = ''
  const decoder = new TextDecoder()
  while (!text.includes('\n')) {
    const { done, value } = await reader.read()
    if (done) throw new Error(`dbus-run-session ended before it gave an address: ${text}`)
    text += decoder.decode(value, { stream: true })
  }
  reader.releaseLock()
  const match = /^ADDRESS=(.+)$/m.exec(text)
  if (!match) throw new Error(`no bus address from dbus-run-session: ${text}`)
  return match[1]!
}

/**
 * A session bus whose own service folder comes first: the named service is "started" by a
 * process that never claims its name, so the bus holds every call to it until its own timeout.
 */
function busConfig(root: string, kind: 'prompt-hangs' | 'daemon-hangs'): string {
  const services = join(root, 'services')
  mkdirSync(services)
  const name = kind === 'prompt-hangs' ? 'org.gnome.keyring.SystemPrompter' : 'org.freedesktop.secrets'
  writeFileSync(join(services, `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=/bin/sleep 3600\n`)
  const path = join(root, 'bus.conf')
  writeFileSync(
    path,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${root}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>${services}</servicedir>
  <standard_session_servicedirs />
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
  )
  return path
}
