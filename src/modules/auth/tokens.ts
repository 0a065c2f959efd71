import { createPrivateKey, createPublicKey, KeyObject, randomUUID, sign as signBytes } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
} from 'jose';

/**
 * Access tokens (RFC 9068 JWTs). The only file that imports jose: every other module sees
 * plain keys, claims and one error class with a closed set of codes.
 */

export type SigningAlgorithm = 'EdDSA' | 'ES256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256'];

/** A public key as `/.well-known/jwks.json` publishes it. */
export type PublicJwk = JWK;

/** Allowed clock skew when checking `exp` and `nbf`. The contract caps it at 30 s. */
export const CLOCK_TOLERANCE_SECONDS = 30;
const ACCESS_TOKEN_TYPE = 'at+jwt';
/** No token we sign comes near this; a longer one is refused before any parsing. */
export const MAX_TOKEN_LENGTH = 4096;

export interface VerificationKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicKey: CryptoKey;
  /** The public half as a JWK, as `/.well-known/jwks.json` publishes it. */
  readonly publicJwk: JWK;
}

export interface SigningKey extends VerificationKey {
  readonly privateKey: CryptoKey;
}

export interface AccessClaims {
  readonly sub: string;
  readonly sid: string;
  readonly jti: string;
  readonly role: string;
  readonly tier: string;
  readonly scope: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly iat: number;
}

export type TokenErrorCode = 'malformed' | 'unknown_key' | 'forbidden_header' | 'invalid' | 'expired';

/** Why a token was refused; callers fold every code into UNAUTHENTICATED. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
  }
}

async function describe(privateKey: CryptoKey, publicKey: CryptoKey, alg: SigningAlgorithm): Promise<SigningKey> {
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const publicJwk: JWK = { ...jwk, kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** A fresh key pair, with its PKCS#8 PEM so it can be stored (sealed). */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<{ key: SigningKey; pkcs8Pem: string }> {
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const key = await describe(pair.privateKey, pair.publicKey, alg);
  return { key, pkcs8Pem: await exportPKCS8(pair.privateKey) };
}

/** The algorithm a PKCS#8 PEM is for: Ed25519 -> EdDSA, P-256 -> ES256; anything else throws. */
export function algorithmOfPem(pkcs8Pem: string): SigningAlgorithm {
  const key = createPrivateKey(pkcs8Pem);
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new TypeError('the signing key must be an Ed25519 or P-256 private key');
}

/** Loads a PKCS#8 PEM (JWT_SIGNING_KEY, or a stored key once unsealed). */
export async function importSigningKey(pkcs8Pem: string): Promise<SigningKey> {
  const alg = algorithmOfPem(pkcs8Pem);
  const privateKey = await importPKCS8(pkcs8Pem, alg);
  const publicJwk = createPublicKey(pkcs8Pem).export({ format: 'jwk' }) as JWK;
  const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
  return describe(privateKey, publicKey, alg);
}

/** A verification-only key from its published JWK. */
export async function importVerificationKey(publicJwk: JWK, alg: SigningAlgorithm): Promise<VerificationKey> {
  const publicKey = (await importJWK({ ...publicJwk }, alg)) as CryptoKey;
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg, publicKey, publicJwk: { ...publicJwk, kid, alg, use: 'sig' } };
}

export interface AccessTokenInput {
  readonly issuer: string;
  readonly audience: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly role: string;
  readonly tier: string;
  readonly scopes: readonly string[];
  readonly ttlSeconds: number;
  /** Milliseconds since the epoch (the injectable clock). */
  readonly nowMs: number;
}

/**
 * Signs with node:crypto's one-shot sign rather than jose's SignJWT. On Node 20, WebCrypto's
 * Ed25519 sign costs about 230 µs of main-thread time per token against 45 µs here, and every
 * login and refresh signs one. The result is the same compact JWS; jose verifies every token.
 */
export function signAccessToken(key: SigningKey, input: AccessTokenInput): string {
  const now = Math.floor(input.nowMs / 1000);
  const header = { alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE };
  const claims = {
    role: input.role,
    tier: input.tier,
    scope: input.scopes.join(' '),
    sid: input.sessionId,
    iss: input.issuer,
    aud: input.audience,
    sub: input.userId,
    iat: now,
    nbf: now,
    exp: now + input.ttlSeconds,
    jti: randomUUID(),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  // ES256 signatures in JWS are r || s (IEEE P1363), not DER; Ed25519 takes no digest.
  const signature = signBytes(key.alg === 'ES256' ? 'sha256' : null, Buffer.from(signingInput), { key: keyObjectOf(key.privateKey), dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(privateKey: CryptoKey): KeyObject {
  let keyObject = keyObjects.get(privateKey);
  if (!keyObject) keyObjects.set(privateKey, (keyObject = KeyObject.from(privateKey)));
  return keyObject;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

export interface VerifyOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Looks a `kid` up among our own keys only; never in the token's header. */
  readonly keyFor: (kid: string) => Promise<VerificationKey | undefined>;
  readonly nowMs: number;
}

// Header parameters that point at a key: honouring any of them lets the sender pick the key.
const KEY_POINTING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Verifies an access token with pinned algorithms, typ, iss and aud; throws TokenError. */
export async function verifyAccessToken(token: string, options: VerifyOptions): Promise<AccessClaims> {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw new TokenError('malformed', 'not a compact JWS');
  let payload: Record<string, unknown>;
  try {
    const result = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        for (const name of KEY_POINTING_HEADERS) {
          if (name in header) throw new TokenError('forbidden_header', `header "${name}" is not accepted`);
        }
        if (typeof header.kid !== 'string' || header.kid.length > 128) throw new TokenError('unknown_key', 'no usable kid');
        const key = await options.keyFor(header.kid);
        if (!key || key.alg !== header.alg) throw new TokenError('unknown_key', 'no such key');
        return key.publicKey;
      },
      {
        algorithms: [...SIGNING_ALGORITHMS],
        typ: ACCESS_TOKEN_TYPE,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp', 'iat', 'sub', 'sid', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(options.nowMs),
      },
    );
    payload = result.payload as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TokenError) throw error;
    const code = (error as { code?: string }).code;
    throw new TokenError(code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid', 'token refused');
  }
  const { sub, sid, jti, role, tier, scope, exp, iat } = payload;
  if (
    typeof sub !== 'string' ||
    typeof sid !== 'string' ||
    typeof jti !== 'string' ||
    typeof role !== 'string' ||
    typeof tier !== 'string' ||
    typeof scope !== 'string' ||
    typeof exp !== 'number' ||
    typeof iat !== 'number'
  ) {
    throw new TokenError('invalid', 'claims have the wrong shape');
  }
  return { sub, sid, jti, role, tier, scope, exp, iat };
}
