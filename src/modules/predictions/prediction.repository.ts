import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { isUuid } from '../../lib/uuid.js';
import { argmaxLabels, columnsOf, decodeOutputs, encodeOutputs, outputRows } from './output-codec.js';
import type { NewPrediction, PredictionRow } from './prediction.table.js';

// Every column but the float32 outputs, which travel as base64 text (drivers' own bytea
// decoding is slow on large values: PGlite's goes byte by byte in JavaScript), and the model's
// labels, from which the labels of rows stored as float32 follow.
const COLUMNS = [
  'predictions.id',
  'predictions.user_id',
  'predictions.model_id',
  'predictions.rows',
  'predictions.outputs',
  'predictions.output_shape',
  'predictions.labels',
  'predictions.warnings',
  'predictions.cost',
  'predictions.latency_ms',
  'predictions.input_digest',
  'predictions.inputs',
  'predictions.idempotency_key',
  'predictions.created_at',
] as const;

function selectPredictions(db: Executor) {
  return db
    .selectFrom('predictions')
    .innerJoin('models', 'models.id', 'predictions.model_id')
    .select(COLUMNS)
    .select(['models.labels as model_labels', sql<string | null>`encode(predictions.outputs_f32, 'base64')`.as('outputs_base64')]);
}

type Stored = Awaited<ReturnType<ReturnType<typeof selectPredictions>['executeTakeFirstOrThrow']>>;

function toPrediction({ outputs_base64, outputs, model_labels, ...row }: Stored): PredictionRow {
  // Rows stored before the float32 column keep their jsonb outputs and labels.
  if (outputs_base64 === null) return { ...row, outputs: outputs ?? [] };
  const data = decodeOutputs(outputs_base64);
  const cols = columnsOf(row.output_shape, data.length, row.rows);
  return { ...row, outputs: outputRows(data, row.rows, cols), labels: argmaxLabels(data, row.rows, cols, model_labels) };
}

/** A prediction only if it belongs to the user: another's id reads exactly like a missing one. */
export async function findOwnPrediction(db: Executor, id: string, userId: string): Promise<PredictionRow | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await selectPredictions(db).where('predictions.id', '=', id).where('predictions.user_id', '=', userId).executeTakeFirst();
  return row && toPrediction(row);
}

export async function findByIdempotencyKey(db: Executor, userId: string, key: string): Promise<PredictionRow | undefined> {
  const row = await selectPredictions(db).where('predictions.user_id', '=', userId).where('predictions.idempotency_key', '=', key).executeTakeFirst();
  return row && toPrediction(row);
}

/** Frees a key whose 24 hours are over, so it can be used again. */
export async function releaseIdempotencyKey(db: Executor, id: string): Promise<void> {
  await db.updateTable('predictions').set({ idempotency_key: null }).where('id', '=', id).execute();
}

export type NewPredictionRecord = Omit<NewPrediction, 'outputs' | 'outputs_f32'> & {
  /** The model's output values, row-major; stored as float32 bytes. */
  outputs: Float32Array;
};

/**
 * Inserts, or returns undefined when the same user's key was taken meanwhile. Only the id comes
 * back: the caller has everything else.
 */
export async function insertPrediction(db: Executor, { outputs, ...prediction }: NewPredictionRecord): Promise<{ id: string } | undefined> {
  return db
    .insertInto('predictions')
    // Base64 text decoded by the database: a driver's bytea encoding of a large value is slow.
    .values({ ...prediction, outputs_f32: sql<Uint8Array>`decode(${encodeOutputs(outputs)}, 'base64')` })
    .onConflict((oc) => oc.columns(['user_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
}

export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** The user's predictions, newest first, `limit` of them after the cursor. */
export async function listOwnPredictions(db: Executor, userId: string, limit: number, after?: PageCursor): Promise<PredictionRow[]> {
  let query = selectPredictions(db).where('predictions.user_id', '=', userId);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('predictions.created_at', '<', after.createdAt),
        eb.and([eb('predictions.created_at', '=', after.createdAt), eb('predictions.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('predictions.created_at', 'desc').orderBy('predictions.id', 'desc').limit(limit).execute();
  return rows.map(toPrediction);
}
