import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'USER' | 'MAINTAINER' | 'ADMIN';
export type Tier = 'FREE' | 'PRO' | 'ENTERPRISE';

export const ROLES: readonly Role[] = ['USER', 'MAINTAINER', 'ADMIN'];
export const TIERS: readonly Tier[] = ['FREE', 'PRO', 'ENTERPRISE'];

export interface UserTable {
  id: Generated<string>;
  email: string;
  display_name: string | null;
  password_hash: string | null;
  role: Role;
  tier: Tier;
  disabled: Generated<boolean>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
