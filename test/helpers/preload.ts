// Loaded before every test file (bunfig.toml): point HOME and PENSAR_HOME at a throw-away
// folder so no test can read or write a developer's real ~/.pensar, and keep local servers
// off any proxy the machine has configured.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const home = mkdtempSync(join(tmpdir(), 'pensar-test-home-'))
process.env.HOME = home
process.env.PENSAR_HOME = join(home, '.pensar')
process.env.NO_PROXY = '127.0.0.1,localhost'
process.env.no_proxy = '127.0.0.1,localhost'
process.env.NO_COLOR = '1'
delete process.env.PENSAR_API_KEY
delete process.env.PENSAR_API_URL
delete process.env.PENSAR_DEBUG
