// Where the terminal can't show Unicode (TERM=linux, a locale that is not UTF-8 such as LANG=C),
// the frame and symbols are drawn in ASCII (clack.ts), and so is the punctuation of our own words:
// each character below would otherwise reach such a terminal as mojibake. Applied before a line is
// fitted to the width, since `…` becomes three characters. Anything else (a workspace named in
// another script) is left as it is: no ASCII spelling would say the same.
const ASCII: Record<string, string> = {
  '…': '...',
  '·': '-',
  '—': '-',
  '–': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '→': '->',
  '←': '<-',
  '↑↓': 'Up/Down',
  '↑': 'Up',
  '↓': 'Down',
  '•': '*',
  '✓': '+',
  '✗': 'x',
}

const PATTERN = new RegExp(Object.keys(ASCII).join('|'), 'g')

/** `text` with our own typographic characters spelled in ASCII. */
export function toAscii(text: string): string {
  return text.replace(PATTERN, (c) => ASCII[c]!)
}
