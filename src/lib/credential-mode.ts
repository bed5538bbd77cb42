// PENSAR_CREDENTIAL_STORE and `login --credential-store`: where a write puts the session's secrets
// (docs/cli-reference.md, "Where secrets are kept").
import { UsageError } from './errors'

/** `auto`: the OS keychain when it answers, else the 0600 file (said in one line); `keychain`: the keychain or an error; `file`: the file. */
export type CredentialMode = 'auto' | 'keychain' | 'file'
export const CREDENTIAL_MODES: readonly CredentialMode[] = ['auto', 'keychain', 'file']

/** `auto`, `keychain` or `file` (any case, spaces around ignored); undefined when unset; else a UsageError (exit 2). */
export function credentialModeFrom(value: string | undefined, source: string): CredentialMode | undefined {
  const word = value?.trim().toLowerCase()
  if (!word) return undefined
  if ((CREDENTIAL_MODES as readonly string[]).includes(word)) return word as CredentialMode
  throw new UsageError(`${source} must be auto, keychain or file, not ${JSON.stringify(value!.slice(0, 60))}.`, {
    code: 'invalid_credential_store',
    hint: 'auto (the default) uses the OS keychain when it answers and a 0600 file otherwise; keychain requires the keychain; file always uses the file.',
  })
}
