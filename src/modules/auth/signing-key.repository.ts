import type { Executor } from '../../db/database.js';
import type { SigningKeyRow, SigningKeyTable } from './signing-key.table.js';

/** The active key and every retired key still inside its verification window. */
export function findUsableSigningKeys(db: Executor, now: Date): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('verify_until', '>', now)]))
    .orderBy('created_at', 'desc')
    .execute();
}

/** Inserts a key; returns false when another active key already exists (a concurrent start). */
export async function insertSigningKey(db: Executor, row: SigningKeyTable): Promise<boolean> {
  const inserted = await db
    .insertInto('signing_keys')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('kid')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Retires the active key(s); returns their ids. */
export async function retireActiveSigningKeys(db: Executor, now: Date, verifyUntil: Date): Promise<string[]> {
  const rows = await db
    .updateTable('signing_keys')
    .set({ retired_at: now, verify_until: verifyUntil })
    .where('retired_at', 'is', null)
    .returning('kid')
    .execute();
  return rows.map((r) => r.kid);
}
