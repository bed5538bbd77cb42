// What the figures were measured on: they only mean something next to the machine and versions.
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { buildInfo } from '../build/compile'

export interface MachineInfo {
  cores: number
  cpuModel: string
  memory: string
  os: string
  bun: string
  pensarCommit: string
  date: string
}

export function describeMachine(): MachineInfo {
  const git = Bun.spawnSync(['git', 'status', '--porcelain'], { cwd: `${import.meta.dir}/..`, stderr: 'ignore' })
  const dirty = git.exitCode === 0 && git.stdout.toString().trim() !== ''
  return {
    cores: navigator.hardwareConcurrency,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${process.platform}-${process.arch} ${osRelease()}`,
    bun: Bun.version,
    pensarCommit: `${buildInfo().commit}${dirty ? ' + uncommitted changes' : ''}`,
    date: new Date().toISOString(),
  }
}

function osRelease(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8')
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? ''
  } catch {
    return ''
  }
}
