import type { Executor } from '../../db/database.js';
import type { OidcSignInStateRow } from './oidc.table.js';

/** The user an outside identity (issuer + subject) is linked to, if any. */
export async function findLinkedUserId(db: Executor, issuer: string, subject: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('external_identities')
    .select('user_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.user_id;
}

/** Links an identity to a user; a link made meanwhile by a racing request wins. Returns the linked user. */
export async function linkIdentity(db: Executor, issuer: string, subject: string, userId: string, at: Date): Promise<string> {
  await db
    .insertInto('external_identities')
    .values({ issuer, subject, user_id: userId, created_at: at })
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
    .execute();
  return (await findLinkedUserId(db, issuer, subject)) ?? userId;
}

export async function insertSignInState(db: Executor, row: OidcSignInStateRow): Promise<void> {
  await db.insertInto('oidc_sign_in_states').values(row).execute();
}

/** Takes a started sign-in out of the table (single use); undefined when unknown or expired. */
export async function takeSignInState(
  db: Executor,
  stateHash: string,
  provider: string,
  now: Date,
): Promise<OidcSignInStateRow | undefined> {
  const row = await db.deleteFrom('oidc_sign_in_states').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
  if (!row || row.provider !== provider || row.expires_at.getTime() <= now.getTime()) return undefined;
  return row;
}

/** Drops sign-ins that were started and never finished, and codes long past use. */
export async function deleteExpiredSignIns(db: Executor, now: Date): Promise<void> {
  await db.deleteFrom('oidc_sign_in_states').where('expires_at', '<=', now).execute();
  await db.deleteFrom('oidc_login_codes').where('expires_at', '<=', new Date(now.getTime() - 24 * 3600_000)).execute();
}

export async function insertLoginCode(
  db: Executor,
  row: { code_hash: string; user_id: string; provider: string; created_at: Date; expires_at: Date },
): Promise<void> {
  await db.insertInto('oidc_login_codes').values({ ...row, used_at: null }).execute();
}

/** Marks a code used, atomically, if it is unused and unexpired; returns its user. */
export async function redeemLoginCode(db: Executor, codeHash: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('oidc_login_codes')
    .set({ used_at: now })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}
