import { describe, expect, test } from 'bun:test'
import { keychainName, keychainTimeoutFrom, KeychainUnavailable, sessionEntryName } from '../../src/lib/keychain'
import { fakeKeychain, FakeSecrets } from '../helpers/fake-keychain'

describe('keychain calls', () => {
  test('a call that does not answer gives up at the deadline, as a timeout', async () => {
    const secrets = new FakeSecrets()
    secrets.state = 'hang'
    const { keychain } = fakeKeychain(secrets, 40)
    const started = performance.now()
    const error = await keychain.get('session x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeychainUnavailable)
    expect(error).toMatchObject({ failure: 'timeout', detail: 'it did not answer within 0.04 s' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(35)
    expect(await keychain.set('session x', 'v').catch((e: KeychainUnavailable) => e.failure)).toBe('timeout')
  })

  test("Bun's platform errors: a locked keyring is `locked`, anything else `unavailable`, in the keychain's own words", async () => {
    const secrets = new FakeSecrets()
    const { keychain } = fakeKeychain(secrets)
    secrets.state = 'locked'
    expect(await keychain.get('e')).toBeNull()
    expect(await keychain.delete('e')).toBe(false)
    expect(await keychain.set('e', 'v').catch((e: unknown) => e)).toMatchObject({ failure: 'locked', detail: 'Cannot create an item in a locked collection' })
    secrets.state = 'unavailable'
    expect(await keychain.get('e').catch((e: unknown) => e)).toMatchObject({ failure: 'unavailable', detail: 'Cannot autolaunch D-Bus without X11 $DISPLAY' })
  })

  test('a function that throws before it returns a promise is classified too', async () => {
    const { keychain } = fakeKeychain({ get: () => { throw new Error('libsecret not available') } } as never)
    expect(await keychain.get('e').catch((e: unknown) => e)).toMatchObject({ failure: 'unavailable', detail: 'libsecret not available' })
  })

  test('names for people', () => {
    expect(keychainName('linux')).toBe('OS keychain (Secret Service)')
    expect(keychainName('darwin')).toBe('OS keychain (macOS Keychain)')
    expect(keychainName('win32')).toBe('OS keychain (Windows Credential Manager)')
  })

  test('PENSAR_KEYCHAIN_TIMEOUT is seconds; nonsense is ignored', () => {
    expect(keychainTimeoutFrom('30')).toBe(30_000)
    expect(keychainTimeoutFrom('0.5')).toBe(500)
    for (const bad of [undefined, '', ' ', '0', '-1', 'soon']) expect(keychainTimeoutFrom(bad)).toBeUndefined()
  })
})

describe('the session entry name', () => {
  test('two PENSAR_HOMEs or two Consoles never share an entry; the name says which it is', () => {
    const a = sessionEntryName('https://api.console.pensar.dev', '/home/me/.pensar')
    expect(a).toBe('session https://api.console.pensar.dev /home/me/.pensar')
    expect(sessionEntryName('https://api.console.pensar.dev', '/home/me/.pensar-work')).not.toBe(a)
    expect(sessionEntryName('https://staging.pensar.dev', '/home/me/.pensar')).not.toBe(a)
  })

  test('a long one is hashed, still different per home', () => {
    const deep = `/home/me/${'nested/'.repeat(40)}.pensar`
    const name = sessionEntryName('https://api.console.pensar.dev', deep)
    expect(name).toMatch(/^session [0-9a-f]{40}$/)
    expect(sessionEntryName('https://api.console.pensar.dev', `${deep}2`)).not.toBe(name)
  })
})
