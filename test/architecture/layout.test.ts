// The layout docs/architecture.md describes, checked: no import circles, flows grouped by
// capability, and every import going the way the layers and the folders' READMEs say.
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { findCycles, importGraph } from './import-graph'

const ROOT = join(import.meta.dir, '..', '..')
const SRC = join(ROOT, 'src')
const FLOWS = join(SRC, 'flows')

/** The area of a file under src/: `flows/<folder>` for flows, else its top folder or file name. */
function areaOf(file: string): string {
  const parts = file.replace(/\.ts$/, '').split('/')
  if (parts[0] === 'flows') return parts.slice(0, 2).join('/')
  return parts[0]!
}

/** The `May import:` line of a flows folder's README. */
function allowedImports(folder: string): string[] {
  const readme = readFileSync(join(FLOWS, folder, 'README.md'), 'utf8')
  const line = readme.split('\n').find((l) => l.startsWith('May import:'))
  if (!line) throw new Error(`src/flows/${folder}/README.md has no "May import:" line`)
  return line.slice('May import:'.length).split(',').map((s) => s.trim()).filter(Boolean)
}

/** The imports of files in `area` that leave it for an area not in `allowed`. */
function strayImports(area: string, allowed: string[]): string[] {
  const stray: string[] = []
  for (const [file, targets] of importGraph(SRC)) {
    if (areaOf(file) !== area) continue
    for (const target of targets) {
      const to = areaOf(target)
      if (to !== area && !allowed.includes(to)) stray.push(`${file} → ${target}`)
    }
  }
  return stray
}

describe('layout', () => {
  test('no import circles in src/ or console/', () => {
    expect(findCycles(importGraph(SRC))).toEqual([])
    expect(findCycles(importGraph(join(ROOT, 'console')))).toEqual([])
  })

  test('src/flows holds folders only, each with a README saying what it owns and may import', () => {
    const entries = readdirSync(FLOWS).filter((name) => name !== 'README.md')
    expect(entries.filter((name) => !statSync(join(FLOWS, name)).isDirectory())).toEqual([])
    for (const folder of entries) expect(allowedImports(folder).length).toBeGreaterThan(0)
  })

  test("each flows folder imports only what its README's `May import:` line names", () => {
    for (const folder of readdirSync(FLOWS).filter((name) => statSync(join(FLOWS, name)).isDirectory())) {
      expect({ folder, stray: strayImports(`flows/${folder}`, allowedImports(folder)) }).toEqual({ folder, stray: [] })
    }
  })

  test('the layers point down: lib and ui never import flows, commands or interactive', () => {
    // build-info.ts is a leaf: the constants the build writes (version, commit, target).
    expect(strayImports('lib', ['lib', 'build-info'])).toEqual([])
    expect(strayImports('ui', ['lib'])).toEqual([])
  })
})

describe('references a reader can open', () => {
  // An issue number means nothing to a reader of the code: cite the docs/ section or say the rule.
  const CITES_ISSUE = /\bissues?\s*#?\d+|(?<![\w&])#\d+\b(?![;\w])/i

  function textFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      if (name === 'node_modules' || name.startsWith('.') || name === 'dist') return []
      if (statSync(path).isDirectory()) return textFiles(path)
      return /\.(ts|md|sh)$/.test(name) ? [path] : []
    })
  }

  test('no comment or doc line cites an issue number', () => {
    const files = ['src', 'console', 'test', 'build', 'bench', 'docs'].flatMap((dir) => textFiles(join(ROOT, dir)))
    files.push(join(ROOT, 'README.md'), join(ROOT, 'install.sh'))
    const citing = files.flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (CITES_ISSUE.test(line) && !line.includes('CITES_ISSUE') ? [`${file.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`] : [])),
    )
    expect(citing).toEqual([])
  })

  test('the check sees the usual ways of citing one', () => {
    for (const line of ['// issue 4, item 6', '// see issue #12', '(as issue 8 asked)', 'fixed in #31']) expect(CITES_ISSUE.test(line)).toBe(true)
    for (const line of ["'&#39;'", 'RFC 8628 §5.1', 'color: #fff', '/issues/ page']) expect(CITES_ISSUE.test(line)).toBe(false)
  })
})

describe('findCycles', () => {
  test('finds a circle of two and of three files, each once', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']], ['b.ts', ['a.ts', 'c.ts']],
      ['c.ts', ['d.ts']], ['d.ts', ['e.ts']], ['e.ts', ['c.ts']],
    ])
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'a.ts'], ['c.ts', 'd.ts', 'e.ts', 'c.ts']])
  })

  test('a diamond is not a circle', () => {
    expect(findCycles(new Map([['a.ts', ['b.ts', 'c.ts']], ['b.ts', ['d.ts']], ['c.ts', ['d.ts']], ['d.ts', []]]))).toEqual([])
  })
})

describe('importGraph', () => {
  test('reads static, dynamic and type-only imports', () => {
    const graph = importGraph(SRC)
    expect(graph.get('commands/status.ts')).toContain('flows/status/status.ts') // static
    expect(graph.get('commands/doctor.ts')).toContain('flows/doctor/doctor.ts') // import()
    expect(graph.get('flows/status/render.ts')).toContain('flows/status/report.ts') // import type
  })
})
