// Helpers for the distribution tests: a local server that looks like GitHub's release download
// URLs and serves a release built here (test/helpers/release-build.ts), in several states
// (as built, tampered with, broken, stalling, dropping the connection), and a runner.
import type { Socket } from 'bun'
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { tarOneFile, zipOneFile } from '../../build/archive'
import { ROOT } from '../helpers/cached-build'

export { ROOT }

export interface Run {
  code: number
  stdout: string
  stderr: string
}

export async function run(cmd: string[], opts: { env?: Record<string, string>; stdin?: Blob; cwd?: string } = {}): Promise<Run> {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd ?? ROOT, env: opts.env, stdin: opts.stdin ?? 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

export interface ReleaseServer {
  /** Base URL whose files are the release as built. */
  goodBase: string
  /** The same SHA256SUMS and release.json, but every other file has bytes inserted. */
  tamperedBase: string
  /** Every binary (in every archive) fails to start; SHA256SUMS matches them. */
  brokenBase: string
  /** Binaries and archives send a little and then hang until the client goes. */
  stallBase: string
  /** Binaries and archives announce their full Content-Length, send half and close the connection. */
  dropBase: string
  /** Resolves when the next stalled download has started sending. */
  nextStall(): Promise<void>
  /** Request paths and user agents seen since the last `clear()`, on every base. */
  requests: { path: string; agent: string }[]
  clear(): void
  stop(): void
}

/** Files that describe the release rather than carry a binary: served whole in every state. */
const isListing = (name: string) => name === 'SHA256SUMS' || name === 'release.json'

/** Serves `<mode>/latest/download/<file>` and `<mode>/download/v<version>/<file>` from releaseDir. */
export async function serveRelease(releaseDir: string, versions: string[]): Promise<ReleaseServer> {
  const requests: { path: string; agent: string }[] = []
  const stallWaiters: (() => void)[] = []
  const broken = await brokenRelease(readdirSync(releaseDir), Bun.file(join(releaseDir, 'release.json')))
  const stallingResponse = () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(64 * 1024))
          for (const resolve of stallWaiters.splice(0)) resolve()
        },
      }),
    )
  const route = /^\/(good|tampered|broken|stall|drop)\/(?:latest\/download|download\/v([^/]+))\/([^/]+)$/
  /** The file a path names, or undefined for a 404. */
  const lookup = (path: string) => {
    const [, mode, version, name] = route.exec(path) ?? []
    if (!mode || !name || name.includes('..') || (version && !versions.includes(version))) return undefined
    const file = Bun.file(join(releaseDir, name))
    return file.size ? { mode, name, file } : undefined
  }

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req) {
      const path = new URL(req.url).pathname
      requests.push({ path, agent: req.headers.get('user-agent') ?? '' })
      const found = lookup(path)
      if (!found) return new Response('Not Found', { status: 404 })
      const { mode, name, file } = found
      if (mode === 'stall' && !isListing(name)) return stallingResponse()
      if (mode === 'broken') return new Response(broken.get(name))
      if (mode === 'tampered' && !isListing(name)) return tampered(file)
      return new Response(file)
    },
  })
  const dropper = serveDroppingConnections((path) => {
    requests.push({ path, agent: 'drop' })
    return lookup(path)
  })
  const base = `http://127.0.0.1:${server.port}`
  return {
    goodBase: `${base}/good`,
    tamperedBase: `${base}/tampered`,
    brokenBase: `${base}/broken`,
    stallBase: `${base}/stall`,
    dropBase: `http://127.0.0.1:${dropper.port}/drop`,
    nextStall: () => new Promise<void>((resolve) => void stallWaiters.push(resolve)),
    requests,
    clear: () => void requests.splice(0),
    stop: () => {
      server.stop(true)
      dropper.stop(true)
    },
  }
}

/**
 * A plain TCP server that answers GETs in HTTP/1.1 by hand, so a response can promise its whole
 * Content-Length, send half of it and close the connection: what a dropped connection looks
 * like to the client (Bun.serve turns a failing body into a chunked reset instead).
 */
function serveDroppingConnections(lookup: (path: string) => { name: string; file: Blob } | undefined) {
  /** Writes what the socket takes; the rest goes out on `drain`, then the connection closes. */
  const flush = (socket: Socket<DropState>) => {
    const { pending } = socket.data
    if (!pending) return
    const wrote = Math.max(0, socket.write(pending))
    socket.data.pending = pending.subarray(wrote)
    if (socket.data.pending.length === 0) socket.end()
  }
  return Bun.listen<DropState>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(socket) {
        socket.data = { head: '' }
      },
      async data(socket, chunk) {
        socket.data.head += new TextDecoder().decode(chunk)
        if (socket.data.pending || !socket.data.head.includes('\r\n\r\n')) return
        const found = lookup(socket.data.head.split(' ')[1] ?? '')
        if (!found) {
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
          return
        }
        const bytes = new Uint8Array(await found.file.arrayBuffer())
        const sent = isListing(found.name) ? bytes : bytes.subarray(0, Math.floor(bytes.length / 2))
        const head = new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`)
        socket.data.pending = new Uint8Array(await new Blob([head, sent]).arrayBuffer())
        flush(socket)
      },
      drain: flush,
    },
  })
}

interface DropState {
  head: string
  pending?: Uint8Array
}

/**
 * The file with four bytes inserted in the middle. Read into memory first: a Blob made of a
 * Bun.file's slices is sent by Bun.serve as the inserted bytes alone.
 */
async function tampered(file: Blob): Promise<Response> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  const middle = Math.floor(bytes.length / 2)
  return new Response(new Blob([bytes.subarray(0, middle), 'EVIL', bytes.subarray(middle)]))
}

const BROKEN_BINARY = '#!/bin/sh\necho "cannot execute: required CPU instruction missing" >&2\nexit 1\n'

/** Every binary, bare and in each archive, replaced by BROKEN_BINARY, with a SHA256SUMS to match. */
async function brokenRelease(files: string[], manifest: Blob): Promise<Map<string, Blob>> {
  const script = new TextEncoder().encode(BROKEN_BINARY)
  const date = new Date(0)
  const out = new Map<string, Blob>()
  for (const name of files.filter((f) => !isListing(f))) {
    const entry = name.includes('windows') ? 'pensar.exe' : 'pensar'
    if (name.endsWith('.tar.gz')) out.set(name, new Blob([new Uint8Array(gzipSync(tarOneFile(entry, script, date)))]))
    else if (name.endsWith('.tar.xz')) out.set(name, new Blob([new Uint8Array(Bun.spawnSync(['xz', '-0', '--stdout', '-'], { stdin: tarOneFile(entry, script, date) }).stdout)]))
    else if (name.endsWith('.zip')) out.set(name, new Blob([await zipOneFile(entry, script, date)]))
    else if (name.startsWith('pensar-')) out.set(name, new Blob([script]))
  }
  const sums = await Promise.all([...out].map(async ([name, blob]) => `${new Bun.CryptoHasher('sha256').update(await blob.arrayBuffer()).digest('hex')}  ${name}\n`))
  out.set('SHA256SUMS', new Blob([sums.join('')]))
  out.set('release.json', manifest)
  return out
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
