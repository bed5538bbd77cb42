// A word for a POSIX shell (and fish), for commands pensar prints or generates for a shell to run.

/** `text` as one single-quoted shell word (bash, zsh and fish alike: `'` ends the quote). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}
