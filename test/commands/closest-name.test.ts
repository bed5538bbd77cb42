import { describe, expect, test } from 'bun:test'
import { closestName } from '../../src/commands/closest-name'

const commands = ['login', 'status', 'logout', 'doctor', 'auth']

describe('closestName', () => {
  test.each([
    ['logn', 'login'],
    ['lgoin', 'login'],
    ['statsu', 'status'],
    ['Status', 'status'],
    ['loggout', 'logout'],
    ['doctr', 'doctor'],
  ])('%p → %p', (typed, expected) => {
    expect(closestName(typed, commands)).toBe(expected)
  })

  test('nothing within two edits, or a word so short that anything is close: no suggestion', () => {
    expect(closestName('frobnicate', commands)).toBeUndefined()
    expect(closestName('xy', commands)).toBeUndefined()
    expect(closestName('a', ['auth', 'h'])).toBeUndefined()
  })

  test('two letters longer is still close; a pasted blob is compared with nothing', () => {
    expect(closestName('loginxx', commands)).toBe('login')
    expect(closestName('statusxyz', commands)).toBeUndefined()
    expect(closestName('status'.repeat(200_000), commands)).toBeUndefined()
  })

  test('the nearest of several wins', () => {
    expect(closestName('logot', commands)).toBe('logout')
  })
})
