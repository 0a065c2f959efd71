import { createHmac, generateKeyPairSync, KeyObject, sign, type KeyObject as NodeKeyObject } from 'node:crypto';
import type { TestApp } from './app.js';
import { authRuntime } from '../../src/modules/auth/auth-runtime.js';

/** Hand-made compact JWS, so tests can build every malformed shape an attacker would. */
export const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function compact(header: Record<string, unknown>, payload: Record<string, unknown>, signer: (input: string) => string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signer(input)}`;
}

export const ed25519Signer = (key: NodeKeyObject) => (input: string) => sign(null, Buffer.from(input), key).toString('base64url');
export const hmacSigner = (secret: string | Buffer) => (input: string) => createHmac('sha256', secret).update(input).digest('base64url');

/** The app's real active signing key, as a node KeyObject, with its kid. */
export async function realSigningKey(t: TestApp): Promise<{ kid: string; privateKey: NodeKeyObject; publicJwk: Record<string, unknown> }> {
  const key = await authRuntime(t.deps).keyRing.signingKey();
  return { kid: key.kid, privateKey: KeyObject.from(key.privateKey), publicJwk: { ...key.publicJwk } };
}

export function attackerKey(): { privateKey: NodeKeyObject; publicJwk: Record<string, unknown> } {
  const pair = generateKeyPairSync('ed25519');
  return { privateKey: pair.privateKey, publicJwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown> };
}

/** Claims that would be accepted, for the given user and session, at the app's clock. */
export function validClaims(t: TestApp, sub: string, sid: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(t.clock.now() / 1000);
  return {
    iss: t.config.jwt.issuer,
    aud: t.config.jwt.audience,
    sub,
    sid,
    jti: `jti-${Math.random()}`,
    role: 'ADMIN',
    tier: 'ENTERPRISE',
    scope: 'models:read models:write predict',
    iat: now,
    nbf: now,
    exp: now + 600,
    ...overrides,
  };
}

/** The payload of a JWT, unverified (for assertions only). */
export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
