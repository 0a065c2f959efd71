import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { closeServer } from './close-server.js';

/** A signing key of an outside issuer, with the JWK it publishes. */
export interface IssuerKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function issuerKey(kid: string, alg: 'RS256' | 'ES256' | 'EdDSA' = 'ES256'): Promise<IssuerKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } };
}

/** Signs a JWT the way an outside identity provider would. */
export function signExternal(
  key: IssuerKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

/**
 * A real JWKS endpoint on loopback: serves `keys` at /jwks.json with `cacheControl`, and counts
 * every request per path (so tests see when, and whether, the app fetched).
 */
export class JwksServer {
  keys: IssuerKey[] = [];
  cacheControl: string | undefined = 'public, max-age=600';
  readonly hits = new Map<string, number>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      if (path !== '/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.cacheControl) headers['cache-control'] = this.cacheControl;
      response.writeHead(200, headers).end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  count(path = '/jwks.json'): number {
    return this.hits.get(path) ?? 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }
}
