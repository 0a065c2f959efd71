import type { AppDeps } from '../../context.js';
import { serviceUnavailable, unauthenticated } from '../../errors.js';
import { ROLES, TIERS, type Role, type Tier } from '../users/user.table.js';
import { authRuntime } from './auth-runtime.js';
import { assertExternalUserActive, authenticateExternalToken, isExternalToken } from './external-authenticate.js';
import { ALL_SCOPES, type Principal, type Scope } from './principal.js';
import { verifyAccessToken } from './tokens.js';

const INVALID_TOKEN = 'Invalid or expired access token.';

/**
 * Turns a bearer access token into a Principal, or throws UNAUTHENTICATED. A token is verified
 * once and remembered until its `exp`; its session is checked against the in-memory revocation
 * list on every request. A remembered token is answered as a value, not a promise, so the common
 * request takes no extra turn of the event loop. Tokens of EXTERNAL_JWT_ISSUERS go to
 * external-authenticate.ts.
 */
export function authenticateAccessToken(deps: AppDeps, token: string): Principal | Promise<Principal> {
  return rememberedPrincipal(deps, token) ?? authenticateUnremembered(deps, token);
}

/**
 * The fast case: a token verified before, still unexpired, of a session not revoked, with the
 * revocation list loaded. Undefined when any of that needs work; throws for a revoked session.
 */
function rememberedPrincipal(deps: AppDeps, token: string): Principal | undefined {
  const runtime = authRuntime(deps);
  if (!runtime.revocations.loaded) return undefined;
  const principal = runtime.verifiedTokens.get(token, deps.clock.now());
  if (!principal || principal.kind !== 'user') return undefined;
  if (runtime.revocations.isRevoked(principal.sessionId!)) throw unauthenticated(INVALID_TOKEN);
  return principal;
}

/** Everything else: the revocation list to load, a token to verify, an external issuer. */
async function authenticateUnremembered(deps: AppDeps, token: string): Promise<Principal> {
  const runtime = authRuntime(deps);
  if (!runtime.revocations.loaded) {
    try {
      await runtime.revocations.ready();
    } catch {
      // Without the revocation list no token can be trusted; the database is the likely cause.
      throw serviceUnavailable('Sign-in state is unavailable; try again shortly.');
    }
  }
  const now = deps.clock.now();
  let principal = runtime.verifiedTokens.get(token, now);
  if (!principal) {
    // Only on a cache miss, and only with EXTERNAL_JWT_ISSUERS set: our own cached tokens pay nothing.
    if (isExternalToken(deps, token)) return authenticateExternalToken(deps, token, now);
    let claims;
    try {
      claims = await verifyAccessToken(token, {
        issuer: deps.config.jwt.issuer,
        audience: deps.config.jwt.audience,
        keyFor: (kid) => runtime.keyRing.verificationKey(kid),
        nowMs: now,
      });
    } catch {
      throw unauthenticated(INVALID_TOKEN);
    }
    const scopes = claims.scope.split(' ').filter(Boolean);
    if (
      !ROLES.includes(claims.role as Role) ||
      !TIERS.includes(claims.tier as Tier) ||
      !scopes.every((s) => ALL_SCOPES.includes(s as Scope))
    ) {
      throw unauthenticated(INVALID_TOKEN);
    }
    principal = Object.freeze({
      kind: 'user',
      userId: claims.sub,
      role: claims.role as Role,
      tier: claims.tier as Tier,
      scopes: new Set(scopes as Scope[]),
      sessionId: claims.sid,
    }) satisfies Principal;
    // Only up to the real `exp`: the skew allowance is for verification, not for the cache.
    if (claims.exp * 1000 > now) runtime.verifiedTokens.set(token, principal, claims.exp * 1000);
  }
  if (principal.kind === 'external') return assertExternalUserActive(deps, principal);
  if (runtime.revocations.isRevoked(principal.sessionId!)) throw unauthenticated(INVALID_TOKEN);
  return principal;
}
