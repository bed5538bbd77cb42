// A server certificate the CLI cannot verify. The usual cause on a work laptop or a CI runner is
// a TLS-inspecting proxy, or a server with a private CA, whose CA certificate this computer does
// not trust yet: the fix is NODE_EXTRA_CA_CERTS (adds PEM certificates to the trusted ones) or
// SSL_CERT_FILE (a whole bundle), both honoured by the compiled binary. Bun's fetch reports the
// OpenSSL verification code as the error's `code` (measured: UNABLE_TO_VERIFY_LEAF_SIGNATURE for
// an unknown CA, DEPTH_ZERO_SELF_SIGNED_CERT for a self-signed certificate, CERT_HAS_EXPIRED,
// ERR_TLS_CERT_ALTNAME_INVALID for another host's certificate).

export type CertificateReason = 'untrusted' | 'out-of-date' | 'wrong-name'

export interface CertificateProblem {
  code: string
  reason: CertificateReason
}

const REASONS: Record<string, CertificateReason> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  CERT_REJECTED: 'untrusted',
  CERT_SIGNATURE_FAILURE: 'untrusted',
  CERT_CHAIN_TOO_LONG: 'untrusted',
  INVALID_CA: 'untrusted',
  CERT_HAS_EXPIRED: 'out-of-date',
  CERT_NOT_YET_VALID: 'out-of-date',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-name',
  HOSTNAME_MISMATCH: 'wrong-name',
}

/** The certificate problem behind a failed request (looking through `cause`s), if that is what it was. */
export function certificateProblem(error: unknown): CertificateProblem | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = 'code' in e ? String((e as { code: unknown }).code) : ''
    const reason = Object.hasOwn(REASONS, code) ? REASONS[code] : undefined
    if (reason) return { code, reason }
  }
  return undefined
}

export function certificateMessage(origin: string, problem: CertificateProblem): string {
  const what =
    problem.reason === 'untrusted'
      ? 'is not signed by a certificate authority this computer trusts'
      : problem.reason === 'out-of-date'
        ? 'has expired or is not valid yet'
        : 'is for another host name'
  return `Could not verify the certificate of ${origin}: it ${what} (${problem.code}).`
}

export function certificateHint(problem: CertificateProblem): string {
  const trustCa = 'point NODE_EXTRA_CA_CERTS at its CA certificate (a PEM file), e.g. `export NODE_EXTRA_CA_CERTS=/path/to/proxy-ca.pem`, or SSL_CERT_FILE at a CA bundle that holds it; `pensar doctor` checks the file.'
  if (problem.reason === 'untrusted') return `A TLS-inspecting proxy or a private CA does this: ${trustCa}`
  if (problem.reason === 'out-of-date') return "Check this computer's date and time. If they are right, the certificate (the server's, or a TLS-inspecting proxy's) is out of date: tell its administrator. `pensar doctor` shows the proxy and CA settings."
  return `Check the address (--api-url / PENSAR_API_URL). Behind a TLS-inspecting proxy, ${trustCa}`
}
