// The import graph of our own TypeScript sources: every static, dynamic and type-only import
// between files of one tree, read from the source text (no bundler involved).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g

export type ImportGraph = Map<string, string[]>

/** Every `.ts` file under `root` (relative paths) and the files of the same tree it imports. */
export function importGraph(root: string): ImportGraph {
  const files = listTs(root)
  const known = new Set(files)
  const graph: ImportGraph = new Map()
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    const targets = new Set<string>()
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveImport(root, file, match[1]!, known)
      if (target) targets.add(target)
    }
    graph.set(file, [...targets].sort())
  }
  return graph
}

/** Each import circle once, as the list of files around it (first file repeated at the end). */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = []
  const seen = new Set<string>()
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next]
        const key = [...cycle.slice(0, -1)].sort().join(' ')
        if (!seen.has(key)) { seen.add(key); cycles.push(cycle) }
      } else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return cycles
}

function listTs(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return listTs(root, path)
    return name.endsWith('.ts') ? [relative(root, path)] : []
  })
}

function resolveImport(root: string, from: string, spec: string, known: Set<string>): string | undefined {
  const base = relative(root, resolve(root, dirname(from), spec))
  return [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => known.has(candidate))
}
