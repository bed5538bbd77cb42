import type { Browser, BrowserOpenResult } from '../../src/lib/browser'

export class FakeBrowser implements Browser {
  readonly opened: string[] = []
  constructor(private readonly result: BrowserOpenResult = { opened: true, command: 'fake' }) {}
  async open(url: string): Promise<BrowserOpenResult> {
    this.opened.push(url)
    return this.result
  }
}
