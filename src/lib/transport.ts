import type { TLSSocket } from 'node:tls';
import type { ServerContext } from '../context.js';
import type { ProxyTrust } from './client-address.js';

/** The TCP peer of a request: the node socket's, or the one a test handed `app.fetch`. */
export function peerAddress(serverContext: ServerContext | undefined): string | undefined {
  // Node detaches `req.socket` once the connection is gone (e.g. an over-long body cut short).
  return serverContext?.req?.socket?.remoteAddress ?? serverContext?.remoteAddress;
}

/**
 * Whether the client reached us over TLS: our own socket is encrypted, or a trusted proxy says
 * so in `X-Forwarded-Proto` (its first entry: the hop nearest the client). Anyone else's
 * `X-Forwarded-Proto` is ignored.
 */
export function isSecureRequest(request: Request, serverContext: ServerContext | undefined, trust: ProxyTrust): boolean {
  if ((serverContext?.req?.socket as TLSSocket | null | undefined)?.encrypted) return true;
  const peer = peerAddress(serverContext);
  if (!peer || !trust.trusts(peer)) return false;
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https';
}
