// Minimal ANSI styling that honours NO_COLOR (https://no-color.org) and non-terminals.
const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], gray: [90, 39] } as const
export type StyleName = keyof typeof CODES

export type Paint = (style: StyleName, text: string) => string

export function createPaint(color: boolean): Paint {
  return (style, text) => (color ? `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m` : text)
}

/**
 * Box-drawing and symbol characters, or ASCII: the Linux console and the old Windows console lack
 * them, and a locale that is not UTF-8 (`LANG=C`, `LC_ALL=POSIX`, ISO-8859-1) means the terminal
 * would show them as mojibake. The locale is the first of LC_ALL, LC_CTYPE, LANG that is set (as
 * setlocale reads them); with none set, the terminal is taken at its word.
 */
export function supportsUnicode(vars: Record<string, string | undefined>, platform: string = process.platform): boolean {
  if (vars.TERM === 'linux') return false
  const locale = vars.LC_ALL || vars.LC_CTYPE || vars.LANG
  if (locale && !/utf-?8/i.test(locale)) return false
  return platform !== 'win32' || Boolean(vars.WT_SESSION)
}
