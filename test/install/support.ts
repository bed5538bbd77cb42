// Helpers for the install.sh tests: a host-only release build, a local server that looks like
// GitHub's release download URLs, and a runner that feeds install.sh to `sh` on stdin the way
// `curl -fsSL …/install.sh | sh` does.
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dir, '../..')

export interface Run {
  code: number
  stdout: string
  stderr: string
}

export async function run(cmd: string[], opts: { env?: Record<string, string>; stdin?: Blob } = {}): Promise<Run> {
  const proc = Bun.spawn(cmd, { cwd: ROOT, env: opts.env, stdin: opts.stdin ?? 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

/** Builds the host's binary and SHA256SUMS into outdir with `bun run release --only host`. */
export async function buildHostRelease(outdir: string): Promise<void> {
  const result = await run([process.execPath, 'build/release.ts', '--only', 'host', '--outdir', outdir], { env: { ...process.env } as Record<string, string> })
  if (result.code !== 0) throw new Error(`release build failed (exit ${result.code}):\n${result.stdout}${result.stderr}`)
}

export interface ReleaseServer {
  /** Base URL whose assets are the release as built. */
  goodBase: string
  /** Base URL that serves the same SHA256SUMS but a binary with bytes inserted. */
  tamperedBase: string
  /** Base URL whose binary (with a matching SHA256SUMS) fails to start. */
  brokenBase: string
  /** Base URL whose binary download sends a little and then hangs until the client goes. */
  stallBase: string
  /** Resolves when the next stalled download has started sending. */
  nextStall(): Promise<void>
  /** Request paths and user agents seen since the last `clear()`. */
  requests: { path: string; agent: string }[]
  clear(): void
  stop(): void
}

/** Serves `<mode>/latest/download/<file>` and `<mode>/download/v<version>/<file>` from releaseDir. */
export function serveRelease(releaseDir: string, versions: string[]): ReleaseServer {
  const requests: { path: string; agent: string }[] = []
  const stallWaiters: (() => void)[] = []
  const stallingResponse = () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(64 * 1024))
          for (const resolve of stallWaiters.splice(0)) resolve()
        },
      }),
    )
  const route = /^\/(good|tampered|broken|stall)\/(?:latest\/download|download\/v([^/]+))\/([^/]+)$/
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req) {
      const path = new URL(req.url).pathname
      requests.push({ path, agent: req.headers.get('user-agent') ?? '' })
      const [, mode, version, name] = route.exec(path) ?? []
      if (!name || name.includes('..') || (version && !versions.includes(version))) return new Response('Not Found', { status: 404 })
      if (mode === 'stall' && name !== 'SHA256SUMS') return stallingResponse()
      if (mode === 'broken') return new Response(name === 'SHA256SUMS' ? brokenSums(readdirSync(releaseDir)) : BROKEN_BINARY)
      const file = Bun.file(join(releaseDir, name))
      if (!file.size) return new Response('Not Found', { status: 404 })
      if (mode === 'tampered' && name !== 'SHA256SUMS') {
        const middle = Math.floor(file.size / 2)
        return new Response(new Blob([file.slice(0, middle), 'EVIL', file.slice(middle)]))
      }
      return new Response(file)
    },
  })
  const base = `http://127.0.0.1:${server.port}`
  return {
    goodBase: `${base}/good`,
    tamperedBase: `${base}/tampered`,
    brokenBase: `${base}/broken`,
    stallBase: `${base}/stall`,
    nextStall: () => new Promise<void>((resolve) => void stallWaiters.push(resolve)),
    requests,
    clear: () => void requests.splice(0),
    stop: () => void server.stop(true),
  }
}

const BROKEN_BINARY = '#!/bin/sh\necho "cannot execute: required CPU instruction missing" >&2\nexit 1\n'

function brokenSums(files: string[]): string {
  const sha = new Bun.CryptoHasher('sha256').update(BROKEN_BINARY).digest('hex')
  return files.filter((f) => f !== 'SHA256SUMS').map((f) => `${sha}  ${f}\n`).join('')
}

/** A PATH folder holding only the given tools (symlinks to the system's), to hide the others. */
export function pathWith(dir: string, tools: string[]): string {
  mkdirSync(dir, { recursive: true })
  for (const tool of tools) {
    const found = Bun.which(tool)
    if (!found) throw new Error(`test needs ${tool} on PATH`)
    symlinkSync(found, join(dir, tool))
  }
  return dir
}
