// Word wrapping for text that arrives in pieces (a streamed answer) on a terminal, which would
// otherwise break lines in the middle of words. A word is held until the space after it arrives,
// so it can go on the next line whole when it does not fit; spaces at a break are dropped. A word
// wider than the terminal is left to the terminal to break. Widths count characters (code points),
// which is right for the text this shows and close for the rest.

export interface WordWrapper {
  write(text: string): void
  /** Writes the word still held (the end of the text, or Ctrl-C); trailing spaces are dropped. */
  flush(): void
}

export function createWordWrapper(width: number, write: (text: string) => void): WordWrapper {
  let column = 0
  let word = ''
  let spaces = ''
  const length = (text: string) => [...text].length

  function placeWord() {
    if (!word) return
    const wordLength = length(word)
    if (column > 0 && column + length(spaces) + wordLength > width) {
      write('\n')
      column = 0
    } else {
      write(spaces)
      column += length(spaces)
    }
    write(word)
    column += wordLength
    // A word longer than the line was broken by the terminal: count from where it now stands.
    if (column > width) column %= Math.max(1, width)
    word = ''
    spaces = ''
  }

  return {
    write(text) {
      for (const c of text) {
        if (c === '\n') {
          placeWord()
          write('\n')
          column = 0
          spaces = ''
        } else if (c === ' ' || c === '\t') {
          placeWord()
          spaces += c
        } else word += c
      }
    },
    flush() {
      placeWord()
      spaces = ''
    },
  }
}
