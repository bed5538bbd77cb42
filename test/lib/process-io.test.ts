// The real process's io (src/process-io.ts) writes through Bun's file sinks instead of Node's
// streams. A slow reader on a pipe must still get every byte, in order, before the process exits.
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { isatty } from 'node:tty'
import { isattyFast } from '../../src/process-io'

const PROCESS_IO = resolve(import.meta.dir, '../../src/process-io.ts')
const dir = mkdtempSync(join(tmpdir(), 'pensar-process-io-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A child that writes `lines` JSON lines (about 1 kB each) to stdout the way runProcess does, then exits at once. */
function writer(lines: number): string[] {
  const script = join(dir, `writer-${lines}.ts`)
  writeFileSync(
    script,
    `import { processIo } from ${JSON.stringify(PROCESS_IO)}
const io = processIo(new AbortController().signal)
for (let i = 0; i < ${lines}; i++) io.direct.write(1, JSON.stringify({ i, pad: 'x'.repeat(1000) }) + '\\n')
io.direct.write(2, 'done\\n')
io.direct.write(1, JSON.stringify({ event: 'last' }) + '\\n')
await io.flush()
process.exit(3)
`,
  )
  return [process.execPath, script]
}

describe('processIo', () => {
  test('a slow reader on a pipe gets every line, the last one included, before the exit', async () => {
    const proc = Bun.spawn(writer(3000), { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
    await Bun.sleep(300) // let the pipe fill up: the writer now has to wait for us
    let text = ''
    const decoder = new TextDecoder()
    const reader = proc.stdout.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true })
      await Bun.sleep(1)
    }
    const lines = text.trimEnd().split('\n')
    expect(await proc.exited).toBe(3)
    expect(lines).toHaveLength(3001)
    expect(lines.slice(0, 3000).map((l) => JSON.parse(l).i)).toEqual([...Array(3000).keys()])
    expect(JSON.parse(lines[3000]!)).toEqual({ event: 'last' })
    expect(await new Response(proc.stderr).text()).toBe('done\n')
  }, 30_000)

  test('a reader that goes away early does not make the writer fail', async () => {
    const proc = Bun.spawn(writer(3000), { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
    const reader = proc.stdout.getReader()
    await reader.read()
    await reader.cancel()
    expect(await proc.exited).toBe(3)
  }, 30_000)

  test('isattyFast agrees with tty.isatty', () => {
    const file = openSync(join(dir, 'plain-file'), 'w')
    try {
      for (const fd of [0, 1, 2, file]) expect(isattyFast(fd)).toBe(isatty(fd))
    } finally {
      closeSync(file)
    }
  })

  test.if(Boolean(Bun.which('script')))('isattyFast sees a terminal as one', () => {
    const check = `import { isattyFast } from ${JSON.stringify(PROCESS_IO)}; console.log([isattyFast(0), isattyFast(1), require('node:tty').isatty(1)].join(' '))`
    const run = Bun.spawnSync(['script', '-qec', `${process.execPath} -e ${JSON.stringify(check)}`, '/dev/null'], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
    expect(run.stdout.toString().trim()).toBe('true true true')
  })
})
