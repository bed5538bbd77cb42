import { describe, expect, test } from 'bun:test'
import { runCheck } from '../../src/flows/doctor/check'
import { stepUi, toSlashWords } from '../../src/interactive/step-ui'
import { UiRecorder } from '../helpers/ui-recorder'

const guard = { pause() {}, resume() {} }

describe('what a step says fits the prompt', () => {
  test('shell commands become slash commands', () => {
    expect(toSlashWords('Run `pensar login` to reconnect.')).toBe('Run /login to reconnect.')
    expect(toSlashWords('See `pensar auth status`.')).toBe('See /status.')
  })

  test('a crashed /doctor check does not ask for a shell flag the prompt cannot take', async () => {
    const crashed = await runCheck('api', () => {
      throw new Error('boom')
    })
    const ui = new UiRecorder(true)
    stepUi(ui, guard).report({ title: 'What a login needs', lines: [`✗ API (failed): ${crashed.message}`, `    ${crashed.hint}`] })
    expect(ui.text).not.toContain('Run again with --debug')
    expect(ui.text).toContain('For the details, leave with /exit and start the prompt with `pensar --debug`. Report it if it keeps happening.')
  })

  test('with --debug already on, it points at the log instead', () => {
    const ui = new UiRecorder(true)
    stepUi(ui, guard, true).error('Unexpected error: boom.', 'Run again with --debug for details, and report it if it keeps happening.')
    expect(ui.text).toBe('error: Unexpected error: boom.\nThe debug log above has the details; report it if it keeps happening.')
  })
})
