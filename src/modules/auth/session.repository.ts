import type { Executor } from '../../db/database.js';
import type { NewRefreshToken, RefreshTokenRow, SessionRow } from './session.table.js';

/**
 * A new session and its first refresh token in one statement: atomic without a transaction, and
 * one round trip where BEGIN, two INSERTs and COMMIT took four (a login's largest database cost).
 * PostgreSQL runs a data-modifying WITH to completion whether or not its output is read, and
 * checks the token's foreign key at the end of the statement, when the session row exists.
 */
export async function insertSessionWithToken(
  db: Executor,
  session: { id: string; user_id: string; created_at: Date; absolute_expires_at: Date },
  token: NewRefreshToken,
): Promise<void> {
  await db
    .with('new_session', (q) => q.insertInto('sessions').values({ ...session, revoked_at: null, revoke_reason: null }).returning('id'))
    .insertInto('refresh_tokens')
    .values(token)
    .execute();
}

export async function insertRefreshToken(db: Executor, token: NewRefreshToken): Promise<void> {
  await db.insertInto('refresh_tokens').values(token).execute();
}

/**
 * A refresh token and its session, both rows locked until the transaction ends: concurrent
 * refreshes of one family queue here, so they can never fork two live chains.
 */
export async function lockRefreshToken(
  tx: Executor,
  tokenHash: string,
): Promise<{ token: RefreshTokenRow; session: SessionRow } | undefined> {
  const token = await tx.selectFrom('refresh_tokens').select('session_id').where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!token) return undefined;
  // The session first, then the token: every path that locks both takes them in this order.
  const session = await tx.selectFrom('sessions').selectAll().where('id', '=', token.session_id).forUpdate().executeTakeFirst();
  const locked = await tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
  return session && locked ? { token: locked, session } : undefined;
}

export function findChildToken(db: Executor, parentId: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('parent_id', '=', parentId).executeTakeFirst();
}

export async function markRotated(db: Executor, id: string, at: Date, childSealed: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ rotated_at: at, child_sealed: childSealed }).where('id', '=', id).execute();
}

export function findSessionIdByTokenHash(db: Executor, tokenHash: string): Promise<{ session_id: string } | undefined> {
  return db.selectFrom('refresh_tokens').select('session_id').where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Revokes sessions not yet revoked; returns the ids it revoked. */
export async function revokeSessions(
  db: Executor,
  filter: { sessionId?: string; userId?: string; exceptSessionId?: string },
  at: Date,
  reason: string,
): Promise<string[]> {
  let query = db.updateTable('sessions').set({ revoked_at: at, revoke_reason: reason }).where('revoked_at', 'is', null);
  if (filter.sessionId) query = query.where('id', '=', filter.sessionId);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.exceptSessionId) query = query.where('id', '!=', filter.exceptSessionId);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

export function findSessionsRevokedSince(db: Executor, since: Date): Promise<Array<{ id: string; revoked_at: Date | null }>> {
  return db.selectFrom('sessions').select(['id', 'revoked_at']).where('revoked_at', '>=', since).execute();
}
