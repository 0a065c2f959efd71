import type { Executor } from '../../db/database.js';
import type { Role, Tier } from '../users/user.table.js';
import type { ApiKeyRow, ApiKeyTable } from './api-key.table.js';
import type { Insertable } from 'kysely';
import { isUuid } from '../users/user.repository.js';

export interface ApiKeyWithOwner extends ApiKeyRow {
  owner_role: Role;
  owner_tier: Tier;
  owner_disabled: boolean;
}

export function findKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyWithOwner | undefined> {
  return db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('api_keys')
    .select(['users.role as owner_role', 'users.tier as owner_tier', 'users.disabled as owner_disabled'])
    .where('api_keys.key_hash', '=', keyHash)
    .executeTakeFirst();
}

export function insertKey(db: Executor, key: Insertable<ApiKeyTable>): Promise<ApiKeyRow> {
  return db.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow();
}

/** The owner's key with this id; another user's key reads as missing. */
export function findOwnKey(db: Executor, userId: string, id: string): Promise<ApiKeyRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** Locks the owner's key row for a rotation or revocation in a transaction. */
export function lockOwnKey(db: Executor, userId: string, id: string): Promise<ApiKeyRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

export function listOwnKeys(db: Executor, userId: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
}

export async function countLiveKeys(db: Executor, userId: string, now: Date): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function updateKey(
  db: Executor,
  id: string,
  changes: Partial<Pick<ApiKeyRow, 'revoked_at' | 'rotated_at' | 'expires_at' | 'replaced_by'>>,
): Promise<ApiKeyRow> {
  return db.updateTable('api_keys').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Records last use, never moving it backwards. */
export async function touchLastUsed(db: Executor, id: string, at: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
    .execute();
}
