import type { Principal, Scope } from './principal.js';
import type { Role } from '../users/user.table.js';

/** What a field (with its parent type's directives folded in) demands of the caller. */
export interface FieldPolicy {
  /** Any principal at all (`@auth`, or implied by the other guards, or by deny-by-default). */
  readonly authenticated: boolean;
  /** `@hasRole(roles:)`: one of these. */
  readonly roles?: readonly Role[];
  /** `@requiresScopes(scopes:)`: every scope of at least one inner list. */
  readonly scopes?: readonly (readonly Scope[])[];
  /** `@sessionOnly`: a user session, not an API key (account management). */
  readonly sessionOnly: boolean;
}

export type AccessDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN'; readonly reason: string };

const ALLOWED: AccessDecision = Object.freeze({ allowed: true });

/** The one place that says yes or no. Pure: the same inputs always give the same answer. */
export function decideAccess(principal: Principal | undefined, policy: FieldPolicy): AccessDecision {
  if (!policy.authenticated) return ALLOWED;
  if (!principal) return { allowed: false, code: 'UNAUTHENTICATED', reason: 'Authentication required.' };
  if (policy.sessionOnly && principal.kind !== 'user') {
    const who = principal.kind === 'apiKey' ? 'API keys' : 'Tokens from an outside issuer';
    return { allowed: false, code: 'FORBIDDEN', reason: `${who} cannot perform account operations.` };
  }
  if (policy.roles && !policy.roles.includes(principal.role)) {
    return { allowed: false, code: 'FORBIDDEN', reason: 'Your role does not allow this.' };
  }
  if (policy.scopes && policy.scopes.length > 0) {
    const satisfied = policy.scopes.some((all) => all.every((scope) => principal.scopes.has(scope)));
    if (!satisfied) return { allowed: false, code: 'FORBIDDEN', reason: 'Missing a required scope.' };
  }
  return ALLOWED;
}
