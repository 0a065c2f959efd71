import type { Role, Tier } from '../users/user.table.js';

/** The scope strings carried in tokens and keys (CONTRACT.md §2). */
export type Scope = 'models:read' | 'models:write' | 'predict';

export const ALL_SCOPES: readonly Scope[] = ['models:read', 'models:write', 'predict'];

/** What each role may do; a key or token never holds more than its owner's role grants. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = Object.freeze({
  USER: ['models:read', 'predict'],
  MAINTAINER: ['models:read', 'predict', 'models:write'],
  ADMIN: ALL_SCOPES,
});

/**
 * One caller, however it proved who it is: `user` (a modelgate session), `apiKey`, or
 * `external` (an access token from one of EXTERNAL_JWT_ISSUERS, linked to a user row; it has no
 * session, so it cannot manage the account, like an API key).
 */
export interface Principal {
  readonly kind: 'user' | 'apiKey' | 'external';
  readonly userId: string;
  readonly role: Role;
  readonly tier: Tier;
  readonly scopes: ReadonlySet<Scope>;
  /** The session family of a user's access token. */
  readonly sessionId?: string;
  /** The API key that made the call. */
  readonly keyId?: string;
}
