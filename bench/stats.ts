// Small numeric helpers for the benchmark: medians over noisy samples, and formatting.

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function maxOf(values: number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values)
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

/** `+ 1.2 MB`, `− 0.9 MB`. */
export function mbDelta(bytes: number): string {
  return `${bytes < 0 ? '−' : '+'} ${mb(Math.abs(bytes))}`
}

export function ratio(value: number): string {
  return `${value.toFixed(2)}×`
}

/** `[a, b, c]` rotated by `by`: each round starts with a different case, so none always runs first. */
export function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}
