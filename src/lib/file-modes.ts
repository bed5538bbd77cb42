// Which of PENSAR_HOME and its secret file others can use, for `pensar status` to say so at once.
// Bun.file().stat() rather than node:fs, whose loading costs `status --offline` about 1 ms of
// start-up (docs/architecture.md "Start-up"); this costs a fraction of that, and only when a
// session is stored.
import { isLooseMode } from './home-files'

export interface LooseMode {
  path: string
  /** Permission bits, e.g. 0o644 or 0o1777. */
  mode: number
  kind: 'folder' | 'file'
}

/** The folder and files among `paths` that group or others can use; nothing on Windows. */
export async function looseModes(paths: { folder?: string; files: string[] }, platform: string = process.platform): Promise<LooseMode[]> {
  if (platform === 'win32') return []
  const checks = [...(paths.folder ? [{ path: paths.folder, kind: 'folder' as const }] : []), ...paths.files.map((path) => ({ path, kind: 'file' as const }))]
  // One after the other: side by side, each stat wakes a thread of Bun's pool of its own, and
  // starting the second costs more wall time than the stat it runs.
  const found: LooseMode[] = []
  for (const { path, kind } of checks) {
    try {
      const mode = (await Bun.file(path).stat()).mode & 0o7777
      if (isLooseMode(mode)) found.push({ path, mode, kind })
    } catch {
      // missing or unreadable: other messages deal with that
    }
  }
  return found
}
