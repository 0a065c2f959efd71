import type { AppDeps } from '../../context.js';
import type { Config } from '../../config.js';
import { serviceUnavailable, unauthenticated } from '../../errors.js';
import { ROLES, TIERS, type Role, type Tier } from '../users/user.table.js';
import { authRuntime } from './auth-runtime.js';
import { userForExternalToken } from './external-identity.service.js';
import { createExternalVerifier, ExternalTokenError, unverifiedIssuer, type ExternalVerifier, type JwksPolicy } from './external-tokens.js';
import { ALL_SCOPES, ROLE_SCOPES, type Principal, type Scope } from './principal.js';

const INVALID_TOKEN = 'Invalid or expired access token.';
/** How long an outside key set may stay unreachable before a retry; also the Retry-After. */
const JWKS_RETRY_SECONDS = 5;

type IssuerSettings = Config['externalJwtIssuers'][number];

interface ExternalRuntime {
  readonly issuers: ReadonlyMap<string, { settings: IssuerSettings; verifier: ExternalVerifier }>;
}

const runtimes = new WeakMap<AppDeps, ExternalRuntime>();

/** How the outside key sets are fetched (timeouts, cooldowns: the defaults of external-tokens.ts). */
const jwksPolicy: JwksPolicy = { retryAfterFailureMs: JWKS_RETRY_SECONDS * 1000 };

function externalRuntime(deps: AppDeps): ExternalRuntime {
  let runtime = runtimes.get(deps);
  if (!runtime) {
    const issuers = new Map(
      deps.config.externalJwtIssuers.map((settings) => [settings.issuer, { settings, verifier: createExternalVerifier(settings, jwksPolicy) }] as const),
    );
    runtime = { issuers };
    runtimes.set(deps, runtime);
  }
  return runtime;
}

/**
 * True when this bearer token names one of EXTERNAL_JWT_ISSUERS in its (unverified) `iss`. That
 * claim only chooses which configured issuer verifies the token; no URL or key comes from it.
 */
export function isExternalToken(deps: AppDeps, token: string): boolean {
  if (deps.config.externalJwtIssuers.length === 0) return false;
  const issuer = unverifiedIssuer(token);
  return issuer !== undefined && externalRuntime(deps).issuers.has(issuer);
}

/**
 * Verifies an outside access token and maps its claims to a Principal (kind `external`), linked
 * to a modelgate user (created on first sight). Remembered until its `exp`, like our own tokens.
 * UNAUTHENTICATED for any bad token; SERVICE_UNAVAILABLE when the issuer's keys cannot be fetched.
 */
export async function authenticateExternalToken(deps: AppDeps, token: string, nowMs: number): Promise<Principal> {
  const issuer = externalRuntime(deps).issuers.get(unverifiedIssuer(token) ?? '');
  if (!issuer) throw unauthenticated(INVALID_TOKEN);
  let claims;
  try {
    claims = await issuer.verifier.verify(token, nowMs);
  } catch (error) {
    if (error instanceof ExternalTokenError && error.code === 'unavailable') {
      deps.logger.warn({ issuer: issuer.settings.issuer }, 'external issuer key set unavailable');
      throw serviceUnavailable('The identity provider cannot be reached; try again shortly.', JWKS_RETRY_SECONDS);
    }
    throw unauthenticated(INVALID_TOKEN);
  }
  const mapped = mapClaims(claims, issuer.settings);
  if (!mapped) throw unauthenticated('The token grants no modelgate role or tier.');
  const user = await userForExternalToken(deps.database.db, {
    issuer: issuer.settings.issuer,
    subject: claims.sub!,
    role: mapped.role,
    tier: mapped.tier,
    now: new Date(nowMs),
  });
  if (!user || user.disabled) throw unauthenticated(INVALID_TOKEN);
  const principal: Principal = Object.freeze({ kind: 'external', userId: user.id, ...mapped });
  if (claims.exp! * 1000 > nowMs) authRuntime(deps).verifiedTokens.set(token, principal, claims.exp! * 1000);
  return principal;
}

/** Still allowed on a cached outside principal: its linked user must not have been disabled. */
export async function assertExternalUserActive(deps: AppDeps, principal: Principal): Promise<Principal> {
  const user = await deps.users.get(principal.userId);
  if (!user || user.disabled) throw unauthenticated(INVALID_TOKEN);
  return principal;
}

/**
 * Role, tier and scopes from the configured claims (a dotted path reaches into objects, e.g.
 * `realm_access.roles`). Absent claims take the defaults; a claim that names nothing of ours is
 * refused (undefined) rather than guessed. Scopes never exceed what the role grants.
 */
export function mapClaims(
  claims: Record<string, unknown>,
  settings: Pick<IssuerSettings, 'roleClaim' | 'tierClaim' | 'scopeClaim' | 'defaultRole' | 'defaultTier'>,
): { role: Role; tier: Tier; scopes: ReadonlySet<Scope> } | undefined {
  const role = pick(claimAt(claims, settings.roleClaim), ROLES, settings.defaultRole);
  const tier = pick(claimAt(claims, settings.tierClaim), TIERS, settings.defaultTier);
  if (!role || !tier) return undefined;
  const granted = ROLE_SCOPES[role];
  const raw = claimAt(claims, settings.scopeClaim);
  const named = typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : undefined;
  // Outside scopes (openid, profile, ...) mean nothing here; only ours count, within the role.
  const scopes = named === undefined ? granted : granted.filter((s) => named.includes(s));
  return { role, tier, scopes: new Set(scopes.filter((s) => ALL_SCOPES.includes(s))) };
}

function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** One of `allowed` named by a string claim, or the highest named by an array claim. */
function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T | undefined {
  if (value === undefined || value === null) return fallback;
  const names = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').map((v) => v.toUpperCase());
  const found = allowed.filter((a) => names.includes(a));
  return found.length > 0 ? found[found.length - 1] : undefined;
}
