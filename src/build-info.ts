// Values the build defines (build/compile.ts). Under `bun src/main.ts` they are absent.
declare const PENSAR_VERSION: string | undefined
declare const PENSAR_COMMIT: string | undefined
declare const PENSAR_BUILD_DATE: string | undefined
declare const PENSAR_TARGET: string | undefined

export const BUILD = {
  version: typeof PENSAR_VERSION === 'string' ? PENSAR_VERSION : '0.0.0-dev',
  commit: typeof PENSAR_COMMIT === 'string' ? PENSAR_COMMIT : 'dev',
  buildDate: typeof PENSAR_BUILD_DATE === 'string' ? PENSAR_BUILD_DATE : 'unbuilt',
  target: typeof PENSAR_TARGET === 'string' ? PENSAR_TARGET : `${process.platform}-${process.arch}`,
}
