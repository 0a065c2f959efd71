import {
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTPayload,
  type FlattenedJWSInput,
} from 'jose';
import { CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_LENGTH } from './tokens.js';

/**
 * Access tokens from trusted outside issuers (EXTERNAL_JWT_ISSUERS), verified against each
 * issuer's configured JWKS URL. The only file that imports jose for outside tokens.
 *
 * The key set is jose's remote JWKS, but every refresh decision is made here, on the injected
 * clock: jose's own cache age and cooldown are set to "never", so it fetches only when told to.
 * That lets the set follow the JWKS response's `Cache-Control: max-age` (jose itself has one
 * fixed age), and lets tests move time instead of sleeping.
 */

export type ExternalTokenErrorCode = 'invalid' | 'expired' | 'unavailable';

export class ExternalTokenError extends Error {
  override readonly name = 'ExternalTokenError';
  constructor(
    readonly code: ExternalTokenErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ExternalIssuerSettings {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience: string | readonly string[];
  readonly algorithms: readonly string[];
}

export interface JwksPolicy {
  /** One JWKS fetch may take this long. @default 5000 */
  readonly timeoutMs?: number;
  /** A `kid` the set does not hold refetches the set at most this often. @default 60_000 */
  readonly unknownKidCooldownMs?: number;
  /** After a failed fetch, the next try waits this long (callers get SERVICE_UNAVAILABLE). @default 5000 */
  readonly retryAfterFailureMs?: number;
  /** Used when the response names no max-age. @default 600_000 */
  readonly defaultMaxAgeMs?: number;
  /** The longest a fetched set is trusted, whatever its max-age says. @default 86_400_000 */
  readonly maxMaxAgeMs?: number;
}

export interface ExternalVerifier {
  readonly issuer: string;
  /** Verifies signature, `iss`, `aud`, `exp`/`nbf` (30 s skew), algorithm; throws ExternalTokenError. */
  verify(token: string, nowMs: number): Promise<JWTPayload>;
}

// Header parameters that point at a key: honouring any of them lets the sender pick the key.
const KEY_POINTING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
// Any verification on a set fetched this long ago or more may refresh it (the floor of max-age).
const MIN_MAX_AGE_MS = 60_000;

/**
 * The token's `iss`, read without verifying anything: only used to pick which configured issuer
 * (if any) verifies it. Nothing else from an unverified token is used.
 */
export function unverifiedIssuer(token: string): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) return undefined;
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds of `max-age` in a Cache-Control header; 0 for no-store/no-cache; undefined when absent. */
export function maxAgeOf(cacheControl: string | null): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  for (const directive of directives) {
    const match = /^max-age=(\d+)$/.exec(directive);
    if (match) return Number(match[1]);
  }
  return undefined;
}

export function createExternalVerifier(settings: ExternalIssuerSettings, policy: JwksPolicy = {}): ExternalVerifier {
  const timeoutMs = policy.timeoutMs ?? 5000;
  const cooldownMs = policy.unknownKidCooldownMs ?? 60_000;
  const retryMs = policy.retryAfterFailureMs ?? 5000;
  const defaultMaxAgeMs = policy.defaultMaxAgeMs ?? 600_000;
  const maxMaxAgeMs = policy.maxMaxAgeMs ?? 86_400_000;

  let freshForMs = defaultMaxAgeMs;
  let fetchedAt: number | undefined;
  let lastAttemptAt: number | undefined;
  let lastFailedAt: number | undefined;

  const remote = createRemoteJWKSet(new URL(settings.jwksUri), {
    timeoutDuration: timeoutMs,
    // Never by jose's own (wall) clock: refreshes are decided below.
    cacheMaxAge: Number.POSITIVE_INFINITY,
    cooldownDuration: Number.POSITIVE_INFINITY,
    // jose fetches with `redirect: 'manual'` (a redirect is a failure) and only this URL.
    [customFetch]: async (url: string, init: RequestInit) => {
      const response = await fetch(url, init);
      const seconds = maxAgeOf(response.headers.get('cache-control'));
      freshForMs = seconds === undefined ? defaultMaxAgeMs : Math.min(Math.max(seconds * 1000, MIN_MAX_AGE_MS), maxMaxAgeMs);
      return response;
    },
  });

  async function refresh(now: number): Promise<void> {
    if (lastFailedAt !== undefined && now - lastFailedAt < retryMs) {
      throw new ExternalTokenError('unavailable', 'the issuer key set was unreachable moments ago');
    }
    lastAttemptAt = now;
    try {
      await remote.reload();
      fetchedAt = now;
      lastFailedAt = undefined;
    } catch {
      lastFailedAt = now;
      throw new ExternalTokenError('unavailable', 'the issuer key set could not be fetched');
    }
  }

  async function keyFor(nowMs: number, header: JWTHeaderParameters, input: FlattenedJWSInput) {
    for (const name of KEY_POINTING_HEADERS) {
      if (name in header) throw new ExternalTokenError('invalid', `header "${name}" is not accepted`);
    }
    if (fetchedAt === undefined || nowMs - fetchedAt >= freshForMs) await refresh(nowMs);
    try {
      return await remote(header, input);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A kid we do not hold: the issuer may have rotated. Refetch, but at most once per cooldown,
      // so a stream of made-up kids cannot turn into a stream of fetches.
      if (lastAttemptAt !== undefined && nowMs - lastAttemptAt < cooldownMs) throw error;
      await refresh(nowMs);
      return remote(header, input);
    }
  }

  return {
    issuer: settings.issuer,
    async verify(token, nowMs) {
      if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw new ExternalTokenError('invalid', 'not a compact JWS');
      try {
        const { payload } = await jwtVerify(token, (header, input) => keyFor(nowMs, header, input), {
          algorithms: [...settings.algorithms],
          issuer: settings.issuer,
          audience: typeof settings.audience === 'string' ? settings.audience : [...settings.audience],
          requiredClaims: ['exp', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(nowMs),
        });
        if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) {
          throw new ExternalTokenError('invalid', 'no usable sub');
        }
        return payload;
      } catch (error) {
        if (error instanceof ExternalTokenError) throw error;
        const code = (error as { code?: string }).code;
        throw new ExternalTokenError(code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid', 'token refused');
      }
    },
  };
}
