// Text a hostile server (or file, or environment) might send, and the check that none of it
// reached the output as something a terminal obeys. Each piece is a real attack on a terminal,
// written so that its raw form is unmistakable in captured output: neither pensar nor clack ever
// writes these bytes themselves.

/** base64 of HOSTILE: what the poisoned OSC 52 would put on the clipboard. */
export const CLIPBOARD_PAYLOAD = 'SE9TVElMRQ=='

export const POISON = {
  clearScreen: '\x1b[2J\x1b[H',
  blink: '\x1b[5;41m',
  clipboard: `\x1b]52;c;${CLIPBOARD_PAYLOAD}\x07`,
  link: '\x1b]8;;https://evil.example/\x1b\\',
  title: '\x1b]0;pwned-title\x1b\\',
  deviceStatusReport: '\x1b[6n',
  dcsRequest: '\x1bP+q544e\x1b\\',
  csi8bit: '\x9b2J',
  osc8bit: '\x9d0;pwned8\x9c',
  overwrite: '\rOVERWRITE',
  forgedLine: '\n◆  FORGED LINE',
  rightToLeft: '\u202eevil\u202c',
  isolate: '\u2066iso\u2069',
  zeroWidth: 'ze\u200bro',
  bell: '\x07',
} as const

/** `label` followed by every piece of poison: a name, an email, an error a server might choose. */
export function hostile(label: string): string {
  return `${label}${Object.values(POISON).join('')}`
}

/** The raw forms that must never appear in anything pensar writes. */
const RAW_FORMS = [
  '\x1b[2J', '\x1b[H', '\x1b[5;41m', `\x1b]52;c;${CLIPBOARD_PAYLOAD}`, '\x1b]8;;https://evil.example', '\x1b]0;pwned', '\x1b[6n', '\x1bP',
  '\rOVERWRITE', '\n◆  FORGED',
]

/**
 * Characters pensar never writes itself: C1 controls, bidi, zero-width and invisible ones. (The
 * zero-width joiners U+200C/U+200D are not among them: safeText keeps them inside scripts that
 * need them, such as the Persian in NON_LATIN_NAME, and the poison has none.)
 */
const NEVER_OURS = /[\x80-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/u

/** Our own OSC 52 (the user code on the clipboard) is the one place a BEL may appear. */
const OUR_CLIPBOARD = /\x1b\]52;c;([A-Za-z0-9+/=]*)\x07/g

/**
 * Problems found in `output` (empty when none): any raw form of the poison, any character pensar
 * never writes, a BEL outside our own clipboard copy, or a clipboard copy of anything but `ownCodes`.
 */
export function obeyedPoison(output: string, ownCodes: string[] = []): string[] {
  const problems: string[] = []
  for (const raw of RAW_FORMS) if (output.includes(raw)) problems.push(`raw ${JSON.stringify(raw)} at ${output.indexOf(raw)}`)
  const never = NEVER_OURS.exec(output)
  if (never) problems.push(`raw U+${never[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${never.index}`)
  for (const [, payload] of output.matchAll(OUR_CLIPBOARD)) {
    const copied = Buffer.from(payload!, 'base64').toString('utf8')
    if (!ownCodes.includes(copied)) problems.push(`clipboard set to ${JSON.stringify(copied)}`)
  }
  if (output.replace(OUR_CLIPBOARD, '').includes('\x07')) problems.push('a BEL outside our clipboard copy')
  return problems
}

/** The visible forms `safeText` gives the poison: proof it was shown, not silently dropped. */
export const SHOWN_FORMS = ['\\x1b[2J', `\\x1b]52;c;${CLIPBOARD_PAYLOAD}\\x07`, '\\x9b2J', '\\rOVERWRITE', '\\n◆  FORGED LINE', '\\u202eevil\\u202c', 'ze\\u200bro']
