// A stand-in for Bun.secrets in unit tests, behind the real deadline and error handling of
// lib/keychain.ts. It behaves as the Secret Service does in each state (lib/keychain.ts has the
// measurements): `unavailable` throws at once, `locked` reads nothing and refuses writes, `hang`
// never answers. `calls` records what was asked of it.
import { createKeychain, type Keychain, type SecretsApi } from '../../src/lib/keychain'

export type FakeKeychainState = 'ok' | 'unavailable' | 'locked' | 'hang'

export class FakeSecrets implements SecretsApi {
  readonly entries = new Map<string, string>()
  readonly calls: string[] = []
  state: FakeKeychainState = 'ok'
  /** Only writes fail, in this way (a keyring locked between a read and a write). */
  writes: FakeKeychainState = 'ok'

  async get({ service, name }: { service: string; name: string }): Promise<string | null> {
    this.calls.push(`get ${name}`)
    await this.behave(this.state, 'get')
    if (this.state === 'locked') return null
    return this.entries.get(`${service}/${name}`) ?? null
  }

  async set({ service, name, value }: { service: string; name: string; value: string }): Promise<void> {
    this.calls.push(`set ${name}`)
    const state = this.state === 'ok' ? this.writes : this.state
    await this.behave(state, 'set')
    if (state === 'locked') throw Object.assign(new Error('Cannot create an item in a locked collection (code: 2)'), { code: 'ERR_SECRETS_PLATFORM_ERROR' })
    this.entries.set(`${service}/${name}`, value)
  }

  async delete({ service, name }: { service: string; name: string }): Promise<boolean> {
    this.calls.push(`delete ${name}`)
    await this.behave(this.state, 'delete')
    if (this.state === 'locked') return false
    return this.entries.delete(`${service}/${name}`)
  }

  /** The stored session documents, parsed, by entry name. */
  sessions(): Record<string, Record<string, unknown>> {
    return Object.fromEntries([...this.entries].map(([key, value]) => [key.replace(/^dev\.pensar\.apex\//, ''), JSON.parse(value)]))
  }

  private async behave(state: FakeKeychainState, what: string): Promise<void> {
    if (state === 'unavailable') throw Object.assign(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'), { code: 'ERR_SECRETS_PLATFORM_ERROR', what })
    if (state === 'hang') await new Promise(() => {})
  }
}

/** A Secret Service keychain over `secrets`, with a short deadline. */
export function fakeKeychain(secrets = new FakeSecrets(), timeoutMs = 50): { keychain: Keychain; secrets: FakeSecrets } {
  return { keychain: createKeychain({ secrets, timeoutMs, platform: 'linux' }), secrets }
}
