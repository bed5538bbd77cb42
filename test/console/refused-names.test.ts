// Names a person reads (workspace and API-key names, emails, the legacy client name) are visible
// text: control, bidi and zero-width characters are refused at the door, nothing is stored, and
// names in any script still work.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestConsole, type TestConsole } from '../helpers/console.ts'
import { FetchBrowser, csrfOf } from './browser.ts'
import { postJson } from './oauth-client.ts'

let pc: TestConsole
let person: FetchBrowser
beforeAll(async () => {
  pc = await startTestConsole()
  await pc.control.createUser('namer@example.com', { password: 'namer password', workspaces: [{ name: 'Namer', slug: 'namer' }] })
  person = new FetchBrowser(pc.url)
  const login = await person.get('/login')
  expect((await person.post('/login', { csrf: csrfOf(login.text), email: 'namer@example.com', password: 'namer password' })).status).toBe(303)
}, 30_000)
afterAll(() => pc.stop())

const HOSTILE: [what: string, text: string, shown: string][] = [
  ['an OSC 52 clipboard write (ESC … BEL)', 'Acme\x1b]52;c;ZXZpbA==\x07', 'U+001B'],
  ['a clear-screen CSI', 'Acme\x1b[2J', 'U+001B'],
  ['a newline', 'Acme\nAdmin', 'U+000A'],
  ['DEL', 'Acme\x7f', 'U+007F'],
  ['a C1 CSI (U+009B)', 'Acme\u009b2J', 'U+009B'],
  ['a C1 next-line (U+0085)', 'Acme\u0085', 'U+0085'],
  ['a right-to-left override (Trojan Source)', 'invoice\u202Egpj.exe', 'U+202E'],
  ['a left-to-right embedding', '\u202AAcme', 'U+202A'],
  ['bidi isolates', '\u2066Acme\u2069', 'U+2066'],
  ['a right-to-left mark', 'Acme\u200F', 'U+200F'],
  ['a zero-width space', 'Ac\u200Bme', 'U+200B'],
  ['a zero-width joiner', 'Acme\u200D', 'U+200D'],
  ['a zero-width no-break space (BOM)', 'Ac\uFEFFme', 'U+FEFF'],
]

// Names in other scripts, with accents (precomposed and combining), right-to-left letters, emoji.
const WELCOME = ['Société Générale', 'Mu\u0308ller & Söhne', '株式会社ペンサー', 'Пенсар', 'שלום עולם', 'مرحبا', 'Ελληνικά 🚀']

const refusal = (shown: string) => `contains an invisible or control character (${shown})`
let row = 0

describe('the control API answers 400 invalid_request and stores nothing', () => {
  test.each(HOSTILE)('%s', async (_what, text, shown) => {
    const [fresh, other] = [`fresh-${++row}@example.com`, `other-${row}@example.com`]
    const email = `${text}@example.com`
    const refusedEmail = await postJson(`${pc.url}/_console/users`, { email })
    expect([refusedEmail.status, refusedEmail.body.error]).toEqual([400, 'invalid_request'])
    const badWorkspace = await postJson(`${pc.url}/_console/users`, { email: fresh, workspaces: [{ name: 'Fine' }, { name: text }] })
    expect([badWorkspace.status, badWorkspace.body.error]).toEqual([400, 'invalid_request'])
    expect(badWorkspace.body.error_description).toBe(`The workspace name ${refusal(shown)}. Use visible text only.`)
    const workspace = await postJson(`${pc.url}/_console/workspaces`, { email: other, name: text })
    expect([workspace.status, workspace.body.error_description]).toEqual([400, `The workspace name ${refusal(shown)}. Use visible text only.`])
    const key = await postJson(`${pc.url}/_console/api-keys`, { workspace: 'namer', email: 'namer@example.com', name: text })
    expect([key.status, key.body.error_description]).toEqual([400, `The API key name ${refusal(shown)}. Use visible text only.`])
    const legacy = await postJson(`${pc.url}/auth/device/code`, { clientName: text })
    expect([legacy.status, legacy.body.error]).toEqual([400, 'invalid_request'])
    // Nothing was stored: neither user exists yet.
    for (const free of [fresh, other]) expect((await pc.control.createUser(free)).user.email).toBe(free)
  })

  test('names longer than the pages allow (80 characters) are refused too', async () => {
    const long = 'n'.repeat(81)
    const workspace = await postJson(`${pc.url}/_console/workspaces`, { email: 'namer@example.com', name: long })
    expect([workspace.status, workspace.body.error_description]).toEqual([400, 'The workspace name can be at most 80 characters.'])
    const key = await postJson(`${pc.url}/_console/api-keys`, { workspace: 'namer', email: 'namer@example.com', name: long })
    expect([key.status, key.body.error_description]).toEqual([400, 'The API key name can be at most 80 characters.'])
    expect((await postJson(`${pc.url}/_console/api-keys`, { workspace: 'namer', email: 'namer@example.com', name: 'n'.repeat(80) })).status).toBe(200)
  })

  test('names in any script are welcome', async () => {
    for (const [i, name] of WELCOME.entries()) {
      const created = await postJson(`${pc.url}/_console/workspaces`, { email: 'namer@example.com', name, slug: `welcome-${i}` })
      expect([created.status, created.body.workspace?.name]).toEqual([200, name])
      expect((await postJson(`${pc.url}/_console/api-keys`, { workspace: `welcome-${i}`, email: 'namer@example.com', name })).status).toBe(200)
    }
    expect((await pc.control.createUser('mü\u0308ller@bücher.example')).user.email).toBe('mü\u0308ller@bücher.example')
  })
})

describe('the pages show a clear form error and store nothing', () => {
  test.each(HOSTILE)('%s', async (_what, text, shown) => {
    const fresh = `page-fresh-${++row}@example.com`
    const workspacesBefore = await workspaceCount()
    const visitor = new FetchBrowser(pc.url)
    const signup = await visitor.get('/signup')
    const badName = await visitor.post('/signup', { csrf: csrfOf(signup.text), email: fresh, password: 'long enough', workspace_name: text })
    expect(badName.status).toBe(400)
    expect(badName.text).toContain(`The name of your first workspace ${refusal(shown)}. Use visible text only.`)
    const badEmail = await visitor.post('/signup', { csrf: csrfOf(signup.text), email: `${text}@example.com`, password: 'long enough', workspace_name: 'Fine' })
    expect(badEmail.status).toBe(400)
    expect(badEmail.text).toContain(`The email ${refusal(shown)}. Use visible text only.`)
    expect(visitor.cookies.has('pc_session')).toBe(false)

    const newWorkspace = await person.get('/workspaces/new')
    const refusedWorkspace = await person.post('/workspaces/new', { csrf: csrfOf(newWorkspace.text), name: text })
    expect(refusedWorkspace.status).toBe(400)
    expect(refusedWorkspace.text).toContain(`The workspace name ${refusal(shown)}. Use visible text only.`)
    const keys = await person.get('/namer/settings/api-keys')
    const refusedKey = await person.post('/namer/settings/api-keys', { csrf: csrfOf(keys.text), name: text })
    expect(refusedKey.status).toBe(400)
    expect(refusedKey.text).toContain(`The API key name ${refusal(shown)}. Use visible text only.`)
    expect(refusedKey.text).not.toContain('new-api-key')

    // Nothing was stored: no account, and the person's workspaces and keys are as before.
    expect((await pc.control.createUser(fresh)).user.email).toBe(fresh)
    expect(await workspaceCount()).toBe(workspacesBefore)
    expect((await person.get('/namer/settings/api-keys')).text).not.toContain('<td>Acme')
  })

  test('names in any script are welcome', async () => {
    for (const name of WELCOME) {
      const page = await person.get('/workspaces/new')
      expect((await person.post('/workspaces/new', { csrf: csrfOf(page.text), name })).status).toBe(303)
      const keys = await person.get('/namer/settings/api-keys')
      expect((await person.post('/namer/settings/api-keys', { csrf: csrfOf(keys.text), name })).text).toContain('id="new-api-key"')
    }
    const home = await person.get('/')
    for (const name of WELCOME) expect(home.text).toContain(name.replace('&', '&amp;'))
  })
})

async function workspaceCount(): Promise<number> {
  return (await person.get('/')).text.match(/settings\/billing/g)?.length ?? 0
}
