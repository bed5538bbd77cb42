// The program's entry (build/compile.ts, `bun run pensar`). `pensar --version` is answered here,
// before the rest of the program is loaded, which would take several milliseconds; every other
// command goes to main.ts.
import { flushFd, writeToFd } from './process-io'
import { plainVersionRequest, versionText } from './version'

const argv = process.argv.slice(2)
const version = plainVersionRequest(argv)
if (version) {
  writeToFd(1, versionText(version.json))
  await flushFd(1)
} else await (await import('./main')).runProcess(argv)
