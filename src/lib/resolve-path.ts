// path.resolve for the start-up path. Loading node:path costs about 0.2 ms of every start-up of
// the compiled binary (bench/FINDINGS.md), and the usual case needs none of it: an absolute POSIX
// path joined with a plain name. Anything else (Windows, a relative PENSAR_HOME, `.`, `..` or an
// empty segment) goes to node:path, so the answer is always the one path.resolve gives.

export function resolvePath(first: string, ...names: string[]): string {
  const joined = [first, ...names].join('/')
  if (process.platform !== 'win32' && isPlainAbsolute(joined) && names.every(isPlainName)) return joined
  return (require('node:path') as typeof import('node:path')).resolve(first, ...names)
}

/** `/a/b`: absolute, with no empty, `.` or `..` segment and no trailing slash. */
function isPlainAbsolute(path: string): boolean {
  const withSlash = `${path}/`
  return path.length > 1 && path.startsWith('/') && !path.endsWith('/') && !withSlash.includes('//') && !withSlash.includes('/./') && !withSlash.includes('/../')
}

const isPlainName = (name: string) => name !== '' && !name.startsWith('/')
