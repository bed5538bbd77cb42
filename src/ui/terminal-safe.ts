// Text a server chose (a model's answer, an email, an API key's name) on its way to a terminal:
// control characters other than newline and tab are shown as visible escapes (ESC becomes the
// characters `\u{1b}`), so the text cannot move the cursor, retitle the window, write to the
// clipboard or hide itself behind bidi overrides. It works character by character, so an escape
// sequence split across two chunks of a stream is just as harmless. Scripts reading a pipe, and
// `--json`, get the text as sent. The one place to plug in a shared sanitizer for untrusted text.

// C0 and C1 controls except \t and \n, DEL, and the bidi embedding, override and isolate marks.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
}
