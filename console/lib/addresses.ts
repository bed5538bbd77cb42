// Host names and client addresses: which hosts are loopback or wildcards, who is asking (the
// socket's peer, or the proxy's X-Forwarded-For entry with --trust-proxy), and the key a rate
// limit counts them under.

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]'])
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]'])

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** A host that listens on every address, and so names none a client could use. */
export function isWildcardHost(host: string): boolean {
  return WILDCARDS.has(host)
}

/**
 * The address of whoever sent the request. Behind a proxy (--trust-proxy) the socket's peer is the
 * proxy, so the last X-Forwarded-For entry (the one the proxy itself appended) names the client;
 * without --trust-proxy the header is anyone's to write and is ignored.
 */
export function clientAddress(req: Request, peer: string, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() : undefined
  return unmapIpv4(forwarded || peer)
}

/**
 * The key a per-address limit counts under: the IPv4 address, or the IPv6 /64 (one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address
  const groups = expandIpv6(address)
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address
}

function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped ? mapped[1]! : address
}

function expandIpv6(address: string): string[] | null {
  const [head, tail, extra] = address.toLowerCase().replace(/%.*$/, '').split('::')
  if (extra !== undefined) return null
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 1) return null
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right]
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups.map((g) => g.replace(/^0+(?=.)/, '')) : null
}
