// Counters for the control API. In memory: a restart starts them at zero.
export interface Stats {
  deviceGrants: number
  refreshes: number
  reuseDetections: number
  revocations: number
  requests: Record<string, number>
}

export function newStats(): Stats {
  return { deviceGrants: 0, refreshes: 0, reuseDetections: 0, revocations: 0, requests: {} }
}

export function countRequest(stats: Stats, routeKey: string) {
  stats.requests[routeKey] = (stats.requests[routeKey] ?? 0) + 1
}

export function resetStats(stats: Stats) {
  Object.assign(stats, newStats())
}
