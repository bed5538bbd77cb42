// Releases for the distribution tests (test/install/), each built once for all test files by
// the real `release()` of build/release.ts, and only again when a source changes
// (cached-build.ts). With PENSAR_TEST_RELEASE_DIR set, the tests check that finished release
// instead (the release workflow points it at dist/release, the files it then uploads).
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { buildInfo, compile } from '../../build/compile'
import { FORMULA_TARGETS } from '../../build/homebrew-formula'
import { release } from '../../build/release'
import { findTarget, hostTargetName } from '../../build/release-targets'
import { binaryFile } from '../../src/flows/upgrade/release-files'
import { cachedBuild, ROOT } from './cached-build'

const CACHE = join(ROOT, 'dist', 'test-release')
const SOURCES = [join(ROOT, 'package.json'), join(ROOT, 'build'), join(ROOT, 'src')]
/** The version of the "older build" an upgrade starts from. */
export const OLDER_VERSION = '0.0.9'

const finished = process.env.PENSAR_TEST_RELEASE_DIR ? resolve(ROOT, process.env.PENSAR_TEST_RELEASE_DIR) : undefined

const once = new Map<string, Promise<string>>()
const memo = (key: string, make: () => Promise<string>) => once.get(key) ?? once.set(key, make()).get(key)!

/** The finished release under test (PENSAR_TEST_RELEASE_DIR), if any. */
export const FINISHED_RELEASE = finished

/** A folder holding this machine's build with its archives, release.json and SHA256SUMS. */
export function hostRelease(): Promise<string> {
  if (finished) return Promise.resolve(finished)
  return memo('host', () =>
    cachedBuild(join(CACHE, 'host'), SOURCES, (outdir) => release({ targets: [findTarget(hostTargetName())!], outdir, log: () => {} })),
  )
}

/** The four platforms the Homebrew formula names, with their .tar.gz only: enough for pensar.rb. */
export function formulaRelease(): Promise<string> {
  if (finished) return Promise.resolve(finished)
  return memo('formula', () =>
    cachedBuild(join(CACHE, 'formula'), SOURCES, (outdir) => release({ targets: FORMULA_TARGETS.map((name) => findTarget(name)!), outdir, archives: ['tar.gz'], log: () => {} })),
  )
}

/**
 * The bare binary of a release target (`linux-arm64`), as the release builds it: from the
 * formula's release when it is one of its four platforms, else built alone without archives.
 */
export function releaseBinary(target: string): Promise<string> {
  const file = binaryFile(target)
  if (finished) {
    const path = join(finished, file)
    if (!existsSync(path)) throw new Error(`PENSAR_TEST_RELEASE_DIR=${finished} has no ${file}`)
    return Promise.resolve(path)
  }
  return memo(target, async () => {
    if ((FORMULA_TARGETS as readonly string[]).includes(target)) return join(await formulaRelease(), file)
    const outdir = await cachedBuild(join(CACHE, target), SOURCES, (dir) => release({ targets: [findTarget(target)!], outdir: dir, archives: [], log: () => {} }))
    return join(outdir, file)
  })
}

/** This machine's binary stamped with OLDER_VERSION: what an upgrade replaces. */
export function olderHostBinary(): Promise<string> {
  return memo('older', () =>
    cachedBuild(join(CACHE, `pensar-${OLDER_VERSION}`), SOURCES, (outfile) =>
      compile({ outfile }, { ...buildInfo(), version: OLDER_VERSION, target: hostTargetName() }),
    ),
  )
}
