import type { Generated, Selectable } from 'kysely';

export interface PasswordResetTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export type PasswordResetRow = Selectable<PasswordResetTable>;
