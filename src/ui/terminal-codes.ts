// Escape sequences for the code panel on a real terminal, never in plain or JSON output:
//   OSC 8  a clickable link (https://gist.github.com/egmontkob/eb114294efbcd5adb1944c9f3cb5feda)
//   OSC 52 put text on the clipboard; the terminal does it, so it works over SSH too
//          (xterm's ctlseqs "Manipulate Selection Data").
// Terminals that don't know a sequence ignore it.

import { safeText } from '../lib/safe-text'

const OSC = '\x1b]'
const ST = '\x1b\\'
const BEL = '\x07'

/** `text` (default: the URL itself), made safe, shown as a link to `url`. */
export function hyperlink(url: string, text = url): string {
  // A control character (C0 or C1) in the URL would end the sequence early, and a bidi or
  // invisible one has no place in an address: such a URL is shown (escaped), never linked.
  if (safeText(url) !== url) return safeText(text)
  return `${OSC}8;;${url}${ST}${safeText(text)}${OSC}8;;${ST}`
}

/** The sequence asking the terminal to copy `text` to the system clipboard. */
export function copyToClipboard(text: string): string {
  // BEL, not ST, ends it: more terminals (and tmux) accept OSC 52 that way.
  return `${OSC}52;c;${Buffer.from(text, 'utf8').toString('base64')}${BEL}`
}

/** Whether to copy the code: on unless PENSAR_NO_CLIPBOARD is set, or the terminal is known to ignore OSC 52. */
export function clipboardWanted(vars: Record<string, string | undefined>): boolean {
  const optOut = vars.PENSAR_NO_CLIPBOARD
  if (optOut !== undefined && optOut !== '' && optOut !== '0' && optOut.toLowerCase() !== 'false') return false
  // VTE (GNOME Terminal, Tilix…) has no OSC 52: "(copied)" would be a false promise. Over SSH
  // this variable is not forwarded, so it only rules out the local case we can be sure of.
  return !vars.VTE_VERSION && vars.TERM !== 'dumb'
}
