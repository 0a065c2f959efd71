import type { Selectable } from 'kysely';

/** An outside identity (issuer + subject) linked to a modelgate user. */
export interface ExternalIdentityTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: Date;
}

/** A started OIDC sign-in, waiting for its callback. */
export interface OidcSignInStateTable {
  state_hash: string;
  provider: string;
  /** `{ nonce, codeVerifier }`, sealed under the state itself. */
  sealed: string;
  /** SHA-256 of the browser-binding cookie set by /start. */
  browser_hash: string;
  created_at: Date;
  expires_at: Date;
}

/** A one-time code the callback gave the browser, for `completeOidcSignIn`. */
export interface OidcLoginCodeTable {
  code_hash: string;
  user_id: string;
  provider: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export type ExternalIdentityRow = Selectable<ExternalIdentityTable>;
export type OidcSignInStateRow = Selectable<OidcSignInStateTable>;
