// Opens a URL in the person's browser. Our own helper, not the `open` package (its xdg-open is
// not embedded in a compiled binary and it reports success when nothing opened): BROWSER first,
// then the platform's opener, each found with Bun.which and spawned with an argument array
// (never a shell). A non-zero exit within ~1 s counts as failure. The caller always prints the
// URL too.
import type * as ChildProcess from 'node:child_process'
import { clause } from './errors'
import { unsafeUrlReason } from './safe-url'

export type BrowserOpenResult = { opened: true; command: string } | { opened: false; reason: string }

export interface Browser {
  open(url: string): Promise<BrowserOpenResult>
}

export interface SystemBrowserDeps {
  env: Record<string, string | undefined>
  platform?: NodeJS.Platform
  which?: (command: string) => string | null
  /** How long an opener may take to fail before we count it as started. */
  settleMs?: number
}

export function createSystemBrowser(deps: SystemBrowserDeps): Browser {
  const platform = deps.platform ?? process.platform
  const which = deps.which ?? ((command: string) => Bun.which(command))
  return {
    async open(url) {
      const unsafe = unsafeUrlReason(url)
      if (unsafe) return { opened: false, reason: `refused to open it: ${unsafe}` }
      const candidates = openerCommands(url, deps.env, platform)
      if (candidates.length === 0) return { opened: false, reason: 'BROWSER is not set and there is no display' }
      let lastReason = 'no browser opener was found'
      for (const argv of candidates) {
        const [command, ...args] = argv as [string, ...string[]]
        const path = locateCommand(command, which)
        if (!path) continue
        const result = await runOpener(path, args, deps.settleMs ?? 1000)
        if (result === 'ok') return { opened: true, command }
        lastReason = `${command} ${result}`
      }
      return { opened: false, reason: lastReason }
    },
  }
}

/** The commands to try, in order, each as an argument array. Exported for tests. */
export function openerCommands(url: string, env: Record<string, string | undefined>, platform: NodeJS.Platform): string[][] {
  const commands: string[][] = []
  // BROWSER may list several commands separated by ':' (the xdg convention); `%s` marks the URL.
  for (const entry of (env.BROWSER ?? '').split(platform === 'win32' ? ';' : ':')) {
    const words = entry.trim().split(/\s+/).filter(Boolean)
    if (words.length === 0) continue
    commands.push(words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url])
  }
  if (platform === 'darwin') commands.push(['open', url])
  else if (platform === 'win32') commands.push(['rundll32', 'url.dll,FileProtocolHandler', url])
  else if (isWsl(env)) commands.push(['wslview', url], ['xdg-open', url])
  else if (env.DISPLAY || env.WAYLAND_DISPLAY) commands.push(['xdg-open', url], ['gio', 'open', url])
  // Without a display xdg-open may start a text browser inside our terminal: don't try it.
  return commands
}

/** Where a command lives: a path is taken as given, a bare name is looked up on PATH. */
export function locateCommand(command: string, which: (command: string) => string | null): string | null {
  return command.includes('/') ? command : which(command)
}

/** The first opener `open()` would try that exists here (`pensar doctor` reports it). */
export function findOpener(env: Record<string, string | undefined>, platform: NodeJS.Platform, which: (command: string) => string | null): { command: string; path: string } | null {
  for (const [command] of openerCommands('https://example.invalid/', env, platform)) {
    const path = command ? locateCommand(command, which) : null
    if (command && path) return { command, path }
  }
  return null
}

export function isWsl(env: Record<string, string | undefined>): boolean {
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return true
  try {
    // Required here, not imported: a static import of node:fs costs up to 1 ms of start-up.
    const { readFileSync } = require('node:fs') as typeof import('node:fs')
    return /microsoft/i.test(readFileSync('/proc/version', 'utf8'))
  } catch {
    return false
  }
}

function runOpener(path: string, args: string[], settleMs: number): Promise<'ok' | string> {
  return new Promise((resolve) => {
    let settled = false
    const done = (result: 'ok' | string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    // Required here, not imported: node:child_process costs ~1 ms to load at start-up.
    const { spawn } = require('node:child_process') as typeof ChildProcess
    const child = spawn(path, args, { detached: true, stdio: 'ignore' })
    child.on('error', (error) => done(`could not start (${clause(error.message)})`))
    child.on('exit', (code, signal) => done(code === 0 ? 'ok' : `exited with ${signal ?? `code ${code}`}`))
    const timer = setTimeout(() => done('ok'), settleMs)
    child.unref()
  })
}
