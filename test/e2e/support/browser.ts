// The person's browser for end-to-end tests: Debian's Chromium driven by playwright-core, with
// the flags this machine needs (no sandbox as root, no background networking on a closed network).
import { chromium, type Browser, type Page } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const CHROMIUM = process.env.PENSAR_E2E_CHROMIUM ?? '/usr/bin/chromium'
export const ARTIFACTS = resolve(import.meta.dir, '..', 'artifacts')

/** `extraArgs`: more Chromium switches, e.g. `--host-resolver-rules=…` to give a test site a name. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', ...extraArgs,
    ],
  })
}

/** Keeps a screenshot of the page and the terminal's last screen, and says where they are. */
export async function saveArtifacts(name: string, page: Page | undefined, screen: string | undefined): Promise<string> {
  const dir = join(ARTIFACTS, name.replace(/[^\w.-]+/g, '-'))
  mkdirSync(dir, { recursive: true })
  if (page && !page.isClosed()) await page.screenshot({ path: join(dir, 'page.png'), fullPage: true }).catch(() => {})
  if (screen !== undefined) await Bun.write(join(dir, 'terminal.txt'), screen)
  return dir
}
