import { BlockList, isIP } from 'node:net';

/** Which peers' `X-Forwarded-*` headers are believed (TRUST_PROXY). */
export interface ProxyTrust {
  trusts(address: string): boolean;
}

function normalize(address: string): string {
  // IPv4 peers on a dual-stack socket show up as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Builds the trust list from addresses and CIDRs ("10.0.0.0/8", "::1", "loopback"). */
export function createProxyTrust(entries: readonly string[]): ProxyTrust {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw === 'loopback' ? ['127.0.0.0/8', '::1/128'] : [raw];
    for (const item of entry) {
      const [address, prefix] = item.split('/');
      const family = isIP(address ?? '');
      if (!address || family === 0) throw new TypeError(`TRUST_PROXY entry "${item}" is not an IP address or CIDR`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(prefix), type);
    }
  }
  // No proxy configured (the common case): nothing to look up on every request.
  if (entries.length === 0) return { trusts: () => false };
  return {
    trusts(address) {
      const normalized = normalize(address);
      const family = isIP(normalized);
      if (family === 0) return false;
      return list.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the socket peer, unless that peer is a trusted proxy, in which case the
 * right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | null, trust: ProxyTrust): string {
  const socketAddress = peer ? normalize(peer) : 'unknown';
  if (!peer || !forwardedFor || !trust.trusts(socketAddress)) return socketAddress;
  const hops = forwardedFor
    .split(',')
    .map((hop) => normalize(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trust.trusts(hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? socketAddress;
}
