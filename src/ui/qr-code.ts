// The verification address as a QR code, for approving on a phone when no browser opened here
// (an SSH session, a server): RFC 8628 §3.3.1's "non-textual transmission" of
// verification_uri_complete. Two modules per character cell (half blocks), with light modules
// drawn as blocks, so the code has the right polarity on the usual dark terminal background.
// uqr is imported on first use: it never reaches start-up.

export async function qrCodeLines(text: string): Promise<string[]> {
  const { renderUnicodeCompact } = await import('uqr')
  // A quiet zone of two modules: phone cameras read it from a screen, and it keeps the code short.
  return renderUnicodeCompact(text, { border: 2 }).split('\n')
}
