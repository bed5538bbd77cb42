// "Did you mean …?" for a mistyped command or flag: the known name closest to what was typed,
// when it is within two edits (a swapped, missing, extra or wrong letter counts as one). The
// distance is at least the difference in length, so a name more than two letters longer or
// shorter is passed over without comparing: a word of any length (a pasted blob) costs nothing.

export function closestName(typed: string, known: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined
  const word = typed.toLowerCase()
  for (const name of known) {
    const other = name.toLowerCase()
    if (Math.abs(word.length - other.length) > 2) continue
    const distance = editDistance(word, other)
    if (distance <= 2 && distance < typed.length && (!best || distance < best.distance)) best = { name, distance }
  }
  return best?.name
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}
