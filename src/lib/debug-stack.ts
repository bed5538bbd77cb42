// An error's stack for the --debug output, made safe to show: redacted, and the message in it kept
// as one piece (a line break a server put there is shown, not obeyed), then one line per frame.
import { redactText } from './redact'
import { safeLines, safeText } from './safe-text'

export function stackForDebug(original: unknown): string[] {
  const stack = original instanceof Error && original.stack ? original.stack : String(original)
  const message = original instanceof Error ? original.message : ''
  const at = message ? stack.indexOf(message) : -1
  const end = at < 0 ? 0 : at + message.length
  const [firstFrame = '', ...frames] = safeLines(redactText(stack.slice(end)).split('\n'))
  return [`${safeText(redactText(stack.slice(0, end)))}${firstFrame}`, ...frames]
}
