// Secrets never reach the terminal or a log unredacted: the debug request log, error messages
// and JSON dumps all pass through here.

export const REDACTED = '[redacted]'

// Field names whose values are secret (or a code that grants a session): token, refresh_token,
// access_token, device_code, deviceCode, user_code, apiKey, signingKey, password, client_secret…
const SECRET_NAME = /token|code|key|secret|password|passwd|authorization|signature|cookie|csrf/i
// …but not names that only describe one: token_endpoint, token_type, keys_url, code_challenge_methods_supported.
const DESCRIPTIVE_NAME = /endpoint|ur[il]$|_type$|type$|supported|expires|_in$|hint$|methods/i
const isSecretName = (name: string) => SECRET_NAME.test(name) && !DESCRIPTIVE_NAME.test(name)

// Values that look like a credential wherever they appear in free text.
const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, // JWT
  /\b(?:rt|psk|sk|dc)_[\w-]{6,}/g, // refresh tokens, API keys, signing keys, device codes
  /\b(Bearer)\s+[\w.~+/=-]+/gi,
]

export function redactText(text: string): string {
  let out = text
  for (const pattern of SECRET_VALUE_PATTERNS) {
    out = out.replace(pattern, (_match, scheme?: string) => (typeof scheme === 'string' ? `${scheme} ${REDACTED}` : REDACTED))
  }
  return out
}

/** A deep copy with every secret-named field replaced; other strings are scanned for credentials. */
export function redactValue(value: unknown, keyName = ''): unknown {
  if (keyName && isSecretName(keyName) && value !== null && value !== undefined && value !== '') return REDACTED
  if (typeof value === 'string') return redactText(value)
  if (Array.isArray(value)) return value.map((item) => redactValue(item))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]))
  }
  return value
}

/** Redacts an `application/x-www-form-urlencoded` body or a URL query string. */
export function redactForm(form: string): string {
  const params = new URLSearchParams(form)
  for (const [k] of params) if (isSecretName(k)) params.set(k, REDACTED)
  return redactText(params.toString())
}

export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? redactText(url) : `${redactText(url.slice(0, q))}?${redactForm(url.slice(q + 1))}`
}
