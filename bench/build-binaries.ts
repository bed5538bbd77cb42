// Builds the subject (`pensar`) and the floor (a one-line citty program) with the identical flags:
// both go through build/compile.ts, so nothing here can drift from the real build.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { checkStarts, compile } from '../build/compile'

export interface Binaries {
  pensar: string
  floor: string
  pensarBytes: number
  floorBytes: number
  pensarVersion: string
}

export async function buildBinaries(workDir: string): Promise<Binaries> {
  const pensar = join(workDir, 'pensar')
  const floor = join(workDir, 'floor')
  await compile({ outfile: pensar })
  await compile({ entry: 'bench/floor.ts', outfile: floor })
  const pensarVersion = checkStarts(pensar).split('\n')[0]!
  checkStarts(floor)
  return { pensar, floor, pensarBytes: statSync(pensar).size, floorBytes: statSync(floor).size, pensarVersion }
}
