// What the Console stores as a name a person reads (workspace and API-key names, emails, slugs):
// visible text of a bounded length. Control characters, bidirectional overrides and zero-width
// characters are refused at the door, so no page, terminal or log that later shows the name can be
// driven or spoofed by it ("Trojan Source", terminal escape injection).

export const MAX_NAME_LENGTH = 80

// C0 controls, DEL and C1 controls; the Arabic letter mark, zero-width space/joiners and the
// left-to-right/right-to-left marks; bidi embeddings and overrides (U+202A–U+202E); the word joiner
// and invisible operators (U+2060–U+2064); bidi isolates (U+2066–U+2069); the zero-width no-break space.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/

/** The first control, bidi or zero-width character in `text` as `U+XXXX`, or null when there is none. */
export function unsafeCharacter(text: string): string | null {
  const found = UNSAFE.exec(text)
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null
}

/** Why `value` can't be the `what` (e.g. "The workspace name"), or null when it can. */
export function nameProblem(what: string, value: string, max = MAX_NAME_LENGTH): string | null {
  if (value.trim() === '') return `${what} is required.`
  if (value.length > max) return `${what} can be at most ${max} characters.`
  const unsafe = unsafeCharacter(value)
  if (unsafe) return `${what} contains an invisible or control character (${unsafe}). Use visible text only.`
  return null
}
