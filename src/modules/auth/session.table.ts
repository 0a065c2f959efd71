import type { Insertable, Selectable } from 'kysely';

export interface SessionTable {
  id: string;
  user_id: string;
  created_at: Date;
  absolute_expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

export interface RefreshTokenTable {
  id: string;
  session_id: string;
  parent_id: string | null;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  rotated_at: Date | null;
  child_sealed: string | null;
}

export type SessionRow = Selectable<SessionTable>;
export type RefreshTokenRow = Selectable<RefreshTokenTable>;
export type NewRefreshToken = Insertable<RefreshTokenTable>;
