import type { Executor } from '../../db/database.js';
import { isUuid } from '../../lib/uuid.js';
import type { NewPrediction, PredictionRow } from './prediction.table.js';

/** A prediction only if it belongs to the user: another's id reads exactly like a missing one. */
export function findOwnPrediction(db: Executor, id: string, userId: string): Promise<PredictionRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('predictions').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export function findByIdempotencyKey(db: Executor, userId: string, key: string): Promise<PredictionRow | undefined> {
  return db
    .selectFrom('predictions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Frees a key whose 24 hours are over, so it can be used again. */
export async function releaseIdempotencyKey(db: Executor, id: string): Promise<void> {
  await db.updateTable('predictions').set({ idempotency_key: null }).where('id', '=', id).execute();
}

/**
 * Inserts, or returns undefined when the same user's key was taken meanwhile. Only the id comes
 * back: the caller has everything else, and re-reading a large `outputs` would cost as much as
 * writing it.
 */
export async function insertPrediction(db: Executor, prediction: NewPrediction): Promise<{ id: string } | undefined> {
  return db
    .insertInto('predictions')
    .values(prediction)
    .onConflict((oc) => oc.columns(['user_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
}

export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** The user's predictions, newest first, `limit` of them after the cursor. */
export function listOwnPredictions(db: Executor, userId: string, limit: number, after?: PageCursor): Promise<PredictionRow[]> {
  let query = db.selectFrom('predictions').selectAll().where('user_id', '=', userId);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
