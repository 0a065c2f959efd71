import type { Kysely, Transaction } from 'kysely';
import type { OutboxTable } from '../modules/auth/outbox.table.js';
import type { PasswordResetTable } from '../modules/auth/password-reset.table.js';
import type { RefreshTokenTable, SessionTable } from '../modules/auth/session.table.js';
import type { SigningKeyTable } from '../modules/auth/signing-key.table.js';
import type { UserTable } from '../modules/users/user.table.js';

/** Every table, one interface each, owned by its module. */
export interface Database {
  users: UserTable;
  sessions: SessionTable;
  refresh_tokens: RefreshTokenTable;
  signing_keys: SigningKeyTable;
  password_resets: PasswordResetTable;
  outbox: OutboxTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take either the database or an open transaction. */
export type Executor = Db | Tx;
