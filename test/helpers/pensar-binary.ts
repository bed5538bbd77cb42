// The compiled `dist/pensar`, built at most once for all test files and processes, and only
// when a source changed (test/helpers/cached-build.ts).
import { join } from 'node:path'
import { checkStarts, compile } from '../../build/compile'
import { cachedBuild, ROOT } from './cached-build'

export const PENSAR_BINARY = join(ROOT, 'dist', 'pensar')

let built: Promise<string> | undefined

/** Resolves to the path of an up-to-date dist/pensar. */
export function pensarBinary(): Promise<string> {
  built ??= cachedBuild(PENSAR_BINARY, [join(ROOT, 'package.json'), join(ROOT, 'build', 'compile.ts'), join(ROOT, 'src')], async (temp) => {
    await compile({ outfile: temp })
    checkStarts(temp)
  })
  return built
}
