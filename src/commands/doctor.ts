// `pensar doctor` (also `pensar login doctor`, `pensar auth doctor`): → the doctor flow, which
// reports why a login would fail here (exit 0 when no check fails, 1 otherwise).
import { defineCommand, type CommandDef } from 'citty'
import type { Context } from '../context'
import { globalArgs } from './global-args'

export type DoctorRunner = (ctx: Context) => Promise<unknown>

const runDoctor: DoctorRunner = async (ctx) => (await import('../flows/doctor/doctor')).doctor(ctx)

export function doctorCommand(ctx: Context, run: DoctorRunner = runDoctor): CommandDef<any> {
  return defineCommand({
    meta: { name: 'doctor', description: 'Check why a login would fail here: files, browser, proxy, CA, the API, clock skew, the session' },
    args: { ...globalArgs },
    run: () => run(ctx),
  })
}
