import type { Plugin } from 'graphql-yoga';
import type { PublicJwk } from '../modules/auth/tokens.js';

export interface JwksOptions {
  /** The public keys to publish: the active one and retired ones still verifying. */
  keys: () => Promise<PublicJwk[]>;
  /** How long verifiers may cache the set; short, so a rotation is seen soon. @default 60 */
  maxAgeSeconds?: number;
}

export const JWKS_PATH = '/.well-known/jwks.json';

/** `GET /.well-known/jwks.json`: lets other services verify our access tokens without a shared secret. */
export function useJwksEndpoint(options: JwksOptions): Plugin {
  const maxAge = options.maxAgeSeconds ?? 60;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== JWKS_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const keys = await options.keys();
      // Only public members leave, whatever the key objects carry.
      const published = keys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use }));
      endResponse(
        new fetchAPI.Response(JSON.stringify({ keys: published }), {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${maxAge}` },
        }),
      );
    },
  };
}
