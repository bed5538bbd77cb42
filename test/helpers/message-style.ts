// The message style (docs/message-style.md) as checks a machine can make. Every line a flow says
// through the UiRecorder is checked as it is said (ui-recorder.ts), and test/helpers/preload.ts
// fails the test that said a line breaking a rule; test/ui/message-style.test.ts checks the Ui
// implementations' own words, the HTTP layer's messages and the source's message literals.

export type MessageKind = 'info' | 'success' | 'warn' | 'error' | 'note' | 'report' | 'spinner' | 'prompt' | 'key'

interface Rule {
  name: string
  /** The problem in `text`, if there is one. */
  check(text: string, kind: MessageKind): string | undefined
}

const match = (name: string, pattern: RegExp, kinds?: MessageKind[]): Rule => ({
  name,
  check: (text, kind) => {
    if (kinds && !kinds.includes(kind)) return undefined
    return pattern.exec(text)?.[0]
  },
})

const SENTENCE_KINDS: MessageKind[] = ['info', 'success', 'warn', 'error']

export const RULES: Rule[] = [
  // A runtime's advice is for its programmers: "pass `verbose: true` to fetch()" means nothing to a user.
  match('no runtime advice', /verbose: true|For more information, pass|second argument to fetch|Is the computer able to access/i),
  // A cause is quoted once, its own full stop dropped: never `.).` or `..`.
  match('no doubled punctuation', /\.\)\.|\)\.\)|(?<![.\w/])\.\.(?![./\w])|\.\.\.|[,;:]\.|\.[,;]|[?!]\./),
  match('one apostrophe', /[’‘]/),
  // A short reason in parentheses is one level deep: "(no browser here (no BROWSER, no display))" stutters.
  match('no nested parentheses', /\([^()\n]*\([^()\n]*\)[^()\n]*\)/),
  match('Could not reach is for the network', /could not reach[^\n]*answered \d{3}|answered \d{3}[^\n]*could not reach/i),
  match('keys are written as on the keyboard', /\bpress (?:[a-z]|esc|enter|tab|space)\b/),
  match('a key prompt does not say its keys again', /\b(?:Press [A-Z]\b|Enter to|Esc to)/, ['prompt']),
  match('a key label is a short lower-case phrase', /^(?![a-z][a-z /-]*$).+/, ['key']),
  {
    name: 'a sentence ends with a full stop',
    check: (text, kind) => {
      if (!SENTENCE_KINDS.includes(kind)) return undefined
      return text.split('\n').find((line) => line.trim() !== '' && !endsWell(line))
    },
  },
  {
    name: 'no stutter',
    check: (text) => {
      const sentences = text.split(/(?<=[.!?])\s+/)
      for (let i = 1; i < sentences.length; i++) {
        const a = firstWords(sentences[i - 1]!)
        if (a && a === firstWords(sentences[i]!)) return `${sentences[i - 1]} ${sentences[i]}`
      }
      return undefined
    },
  },
]

/** A line ends a sentence, a lead-in (`:`), a question, or with an address or command to copy. */
function endsWell(line: string): boolean {
  const trimmed = line.trimEnd()
  return /[.:?!…]$/.test(trimmed) || /(?:https?:\/\/|\/)\S*$/.test(trimmed) || /`$/.test(trimmed)
}

function firstWords(sentence: string): string | undefined {
  const words = sentence.trim().replace(/[.!?:;,]+$/, '').split(/\s+/)
  return words.length >= 2 ? words.slice(0, 2).join(' ').toLowerCase() : undefined
}

/** Every rule `text` breaks, as `rule: the offending part`. */
export function styleProblems(text: string, kind: MessageKind): string[] {
  return RULES.flatMap((rule) => {
    const found = rule.check(text, kind)
    return found === undefined ? [] : [`${rule.name}: ${JSON.stringify(found)}`]
  })
}

// Problems found while a test ran; preload.ts fails the test when any are left.
const found: string[] = []

export function noteStyle(text: string, kind: MessageKind): void {
  for (const problem of styleProblems(text, kind)) found.push(`${kind} ${JSON.stringify(text)}: ${problem}`)
}

export function takeStyleProblems(): string[] {
  return found.splice(0)
}
