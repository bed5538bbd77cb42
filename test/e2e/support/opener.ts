// `BROWSER` for end-to-end tests: a tiny script that hands the URL the CLI opens to the test
// (appends it to a file), so "the browser opens automatically" is checked for real.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export class UrlOpener {
  readonly script: string
  private readonly dir: string
  private readonly log: string

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'pensar-opener-'))
    this.log = join(this.dir, 'opened.txt')
    this.script = join(this.dir, 'open-url')
    writeFileSync(this.script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${this.log}'\n`)
    chmodSync(this.script, 0o755)
  }

  opened(): string[] {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8').split('\n').filter(Boolean) : []
  }

  /** Waits for the n-th URL the CLI opens (1-based). */
  async waitForUrl(n = 1, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const url = this.opened()[n - 1]
      if (url) return url
      await Bun.sleep(50) // polling a file written by another process
    }
    throw new Error(`the CLI did not open URL #${n} within ${timeoutMs} ms (opened: ${this.opened().join(', ') || 'none'})`)
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
