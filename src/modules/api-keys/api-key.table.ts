import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Scope } from '../auth/principal.js';
import type { KeyEnvironment } from './api-key-format.js';

export interface ApiKeyTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  /** HMAC-SHA-256 of the full key with the server's pepper, hex. The key itself is never stored. */
  key_hash: string;
  prefix: string;
  last4: string;
  environment: KeyEnvironment;
  scopes: Scope[];
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** Set when the key was rotated: it keeps working until `expires_at` (the grace end). */
  rotated_at: Date | null;
  replaced_by: string | null;
}

export type ApiKeyRow = Selectable<ApiKeyTable>;
