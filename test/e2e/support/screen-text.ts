// Reading what the terminal shows, as the person would: the code panel spaces the code out
// (`B C D F - G H J K`) and prints the verification address under it.
const SPACED_CODE = /((?:[B-Z] ){4}- (?:[B-Z] ){3}[B-Z])/
const VERIFICATION_URL = /(https?:\/\/\S+\/device\?user_code=[A-Z]{4}-[A-Z]{4})/

/** The current user code on the screen (the last one shown, after a fresh code), as `BCDF-GHJK`. */
export function userCodeOn(screen: string): string {
  const spaced = [...screen.matchAll(new RegExp(SPACED_CODE, 'g'))].at(-1)?.[1]
  if (!spaced) throw new Error(`no user code on the screen:\n${screen}`)
  return spaced.replaceAll(' ', '')
}

/** The verification address printed on the screen. */
export function verificationUrlOn(screen: string): string {
  const url = VERIFICATION_URL.exec(screen)?.[1]
  if (!url) throw new Error(`no verification address on the screen:\n${screen}`)
  return url
}

export const CODE_SHOWN = SPACED_CODE

/** A code as the panel shows it: `BCDF-GHJK` → `B C D F - G H J K`. */
export function spacedOut(code: string): string {
  return code.split('').join(' ')
}
