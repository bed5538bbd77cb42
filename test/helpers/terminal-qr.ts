// Reads a QR code drawn in a terminal with half blocks, as a phone would from a dark screen: a
// block's lit half is light, everything else (spaces, the unlit half, the margin) is the dark
// background. jsQR is told not to try the inverted image, so a code of the wrong polarity fails.
import jsQR from 'jsqr'

const SCALE = 4
const MARGIN = 8

/** The text a QR code drawn as `lines` holds; undefined when it does not scan. */
export function scanTerminalQr(lines: string[]): string | undefined {
  const cols = Math.max(...lines.map((l) => [...l].length))
  const width = cols * SCALE + 2 * MARGIN
  const height = lines.length * 2 * SCALE + 2 * MARGIN
  const data = new Uint8ClampedArray(width * height * 4)
  for (let i = 3; i < data.length; i += 4) data[i] = 255
  const light = (x: number, y: number) => {
    for (let dy = 0; dy < SCALE; dy++) {
      const at = ((MARGIN + y * SCALE + dy) * width + MARGIN + x * SCALE) * 4
      data.fill(255, at, at + SCALE * 4)
    }
  }
  lines.forEach((line, row) => {
    ;[...line].forEach((ch, col) => {
      if (ch === '█' || ch === '▀') light(col, row * 2)
      if (ch === '█' || ch === '▄') light(col, row * 2 + 1)
    })
  })
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data
}

/** The rows of the QR code inside the code panel on `screen`, without the panel's frame. */
export function qrRowsOnScreen(screen: string): string[] {
  const rows = screen.split('\n')
  const start = rows.findIndex((row) => row.includes('or scan it with your phone:')) + 1
  if (start === 0) throw new Error(`no QR code on the screen:\n${screen}`)
  const end = rows.findIndex((row, i) => i > start && !/[█▀▄]/.test(row))
  return rows.slice(start, end).map((row) => row.replace(/^\s*[│|] /, '').replace(/\s*[│|]\s*$/, ''))
}
