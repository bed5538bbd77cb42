// `pensar --version`. Its own small module so the entry can answer it before loading the rest.
import { BUILD } from './build-info'

export const VERSION_FLAGS = new Set(['--version', '-v', '-V'])

/** The version output: one line, or one JSON object with --json. */
export function versionText(json: boolean): string {
  const { version, commit, buildDate, target } = BUILD
  return json ? `${JSON.stringify(versionInfo())}\n` : `pensar ${version} (${commit}, built ${buildDate}, ${target})\n`
}

export function versionInfo(): { version: string; commit: string; buildDate: string; target: string } {
  const { version, commit, buildDate, target } = BUILD
  return { version, commit, buildDate, target }
}

/**
 * For the entry's shortcut: whether `argv` is a version flag with nothing but --json, --no-json
 * and --debug around it (the last of --json/--no-json wins, as in parseGlobalOptions). Anything
 * else, --api-url included (it must be validated), goes through main.
 */
export function plainVersionRequest(argv: string[]): { json: boolean } | undefined {
  let json = false
  let versions = 0
  for (const arg of argv) {
    if (VERSION_FLAGS.has(arg)) versions++
    else if (arg === '--json') json = true
    else if (arg === '--no-json') json = false
    else if (arg !== '--debug') return undefined
  }
  return versions === 1 ? { json } : undefined
}
