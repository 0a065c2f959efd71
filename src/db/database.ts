import type { Kysely, Transaction } from 'kysely';
import type { ApiKeyTable } from '../modules/api-keys/api-key.table.js';
import type { AuditEventTable } from '../modules/audit/audit.table.js';
import type { ModelTable } from '../modules/models/model.table.js';
import type { PredictionTable } from '../modules/predictions/prediction.table.js';
import type { ExternalIdentityTable, OidcLoginCodeTable, OidcSignInStateTable } from '../modules/auth/oidc.table.js';
import type { OutboxTable } from '../modules/auth/outbox.table.js';
import type { PasswordResetTable } from '../modules/auth/password-reset.table.js';
import type { RefreshTokenTable, SessionTable } from '../modules/auth/session.table.js';
import type { SigningKeyTable } from '../modules/auth/signing-key.table.js';
import type { UserTable } from '../modules/users/user.table.js';

/** Every table, one interface each, owned by its module. */
export interface Database {
  users: UserTable;
  api_keys: ApiKeyTable;
  audit_events: AuditEventTable;
  models: ModelTable;
  predictions: PredictionTable;
  sessions: SessionTable;
  refresh_tokens: RefreshTokenTable;
  signing_keys: SigningKeyTable;
  password_resets: PasswordResetTable;
  outbox: OutboxTable;
  external_identities: ExternalIdentityTable;
  oidc_sign_in_states: OidcSignInStateTable;
  oidc_login_codes: OidcLoginCodeTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take either the database or an open transaction. */
export type Executor = Db | Tx;
