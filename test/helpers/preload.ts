// Loaded before every test file (bunfig.toml): point HOME and PENSAR_HOME at a throw-away
// folder so no test can read or write a developer's real ~/.pensar, and keep local servers
// off any proxy the machine has configured. After every test: nothing a flow said through the
// UiRecorder broke the message style (message-style.ts, docs/message-style.md).
import { afterEach, expect } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { takeStyleProblems } from './message-style'

const home = mkdtempSync(join(tmpdir(), 'pensar-test-home-'))
process.env.HOME = home
process.env.PENSAR_HOME = join(home, '.pensar')
process.env.NO_PROXY = '127.0.0.1,localhost'
process.env.no_proxy = '127.0.0.1,localhost'
process.env.NO_COLOR = '1'
delete process.env.PENSAR_API_KEY
delete process.env.PENSAR_API_URL
delete process.env.PENSAR_DEBUG

afterEach(() => {
  expect(takeStyleProblems()).toEqual([])
})
