import { performance } from 'node:perf_hooks';
import { badRequest, badUserInput, forbidden, notFound, rateLimited, unauthenticated } from '../../errors.js';
import type { Principal } from '../auth/principal.js';
import { getModelForPrediction, runModel, type ModelServiceDeps } from '../models/model.service.js';
import type { ModelRow } from '../models/model.table.js';
import { inputDigest, legacyInputDigest, packRows } from './input-digest.js';
import { checkInputs, type FeatureSchema } from './input-validation.js';
import { argmaxLabels, columnsOf, outputRows } from './output-codec.js';
import { predictCost } from './prediction-cost.js';
import {
  findByIdempotencyKey,
  findOwnPrediction,
  insertPrediction,
  listOwnPredictions,
  releaseIdempotencyKey,
  type PageCursor,
} from './prediction.repository.js';
import type { PredictionRow } from './prediction.table.js';

export type PredictionServiceDeps = ModelServiceDeps;

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface PredictRequest {
  modelId: string;
  inputs: readonly (readonly number[])[];
  /** The `Idempotency-Key` header, when sent. */
  idempotencyKey?: string | null | undefined;
}

export interface PredictResult {
  prediction: PredictionRow;
  /** False when an idempotent repeat returned the stored prediction: nothing to charge. */
  charged: boolean;
}

function requirePredictor(principal: Principal | undefined): Principal {
  if (!principal) throw unauthenticated();
  if (!principal.scopes.has('predict')) throw forbidden('The predict scope is required.');
  return principal;
}

export function featureSchemaOf(model: ModelRow): FeatureSchema {
  return {
    featureCount: model.feature_count,
    featureNames: model.feature_names,
    min: model.feature_min,
    max: model.feature_max,
    mean: model.feature_mean,
    std: model.feature_std,
    rangePolicy: model.range_policy,
    zscoreThreshold: model.zscore_threshold,
    maxBatchSize: model.max_batch_size,
  };
}

function replay(existing: PredictionRow, modelId: string, digest: string, inputs: PredictRequest['inputs']): PredictResult {
  const same = existing.model_id === modelId && (existing.input_digest === digest || existing.input_digest === legacyInputDigest(modelId, inputs));
  if (!same) throw badRequest('This Idempotency-Key was already used with other inputs.');
  return { prediction: existing, charged: false };
}

/** Holds one of the identity's in-flight slots for the duration of `job`. */
async function withInFlightSlot<T>(deps: PredictionServiceDeps, userId: string, job: () => Promise<T>): Promise<T> {
  const inFlight = deps.runtime.inFlight;
  const current = inFlight.get(userId) ?? 0;
  if (current >= deps.config.inference.maxInFlightPerIdentity) {
    throw rateLimited(`At most ${deps.config.inference.maxInFlightPerIdentity} predictions may run at once per caller.`, 1);
  }
  inFlight.set(userId, current + 1);
  try {
    return await job();
  } finally {
    const left = (inFlight.get(userId) ?? 1) - 1;
    if (left > 0) inFlight.set(userId, left);
    else inFlight.delete(userId);
  }
}

/**
 * `predict`: checks every row, then runs the batch on the pool with a deadline, and stores
 * outputs, cost, latency and a digest of the inputs. With an Idempotency-Key, a repeat within
 * 24 h returns the stored prediction (not charged); the key with other inputs is BAD_REQUEST.
 */
export async function predict(deps: PredictionServiceDeps, principal: Principal | undefined, request: PredictRequest): Promise<PredictResult> {
  // The deadline counts from here, so time spent on checks and queueing is inside it. Wall
  // time on purpose: the injectable clock moves only for expiry windows.
  const deadlineAt = Date.now() + deps.config.inference.timeoutMs;
  const p = requirePredictor(principal);
  const key = request.idempotencyKey ?? undefined;
  if (key !== undefined && (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw badRequest(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`);
  }
  const model = await getModelForPrediction(deps, request.modelId);
  if (!model) throw notFound('No such model.');

  const check = checkInputs(featureSchemaOf(model), request.inputs);
  if (!check.ok) {
    const { message, row, feature } = check.problem;
    throw badUserInput(message, { ...(row !== undefined ? { row } : {}), ...(feature !== undefined ? { feature } : {}) });
  }

  const rows = request.inputs.length;
  const values = packRows(request.inputs, model.feature_count);
  const digest = inputDigest(model.id, rows, model.feature_count, values);
  const db = deps.database.db;
  if (key !== undefined) {
    const existing = await findByIdempotencyKey(db, p.userId, key);
    if (existing && deps.clock.now() - existing.created_at.getTime() < IDEMPOTENCY_WINDOW_MS) return replay(existing, model.id, digest, request.inputs);
    if (existing) await releaseIdempotencyKey(db, existing.id);
  }

  return withInFlightSlot(deps, p.userId, async () => {
    const started = performance.now();
    const output = await runModel(deps, model, new Float32Array(values), rows, { owner: p.userId, deadlineAt });
    const latencyMs = performance.now() - started;
    const cols = columnsOf(output.dims, output.data.length, rows);
    // An input inside every declared range can still overflow a model (float32 tops out near
    // 3.4e38): no Float can carry Infinity or NaN, so it is the row's problem, not a stored answer.
    const overflow = firstNonFinite(output.data);
    if (overflow >= 0) {
      const row = Math.floor(overflow / cols);
      throw badUserInput(`Row ${row}: the model's output is ${output.data[overflow]}, not a finite number; this row is outside what the model can answer.`, { row });
    }

    const stored = {
      user_id: p.userId,
      model_id: model.id,
      rows,
      output_shape: output.dims,
      warnings: check.warnings,
      cost: predictCost(rows, model.cost_weight),
      latency_ms: latencyMs,
      input_digest: digest,
      inputs: model.store_inputs ? request.inputs.map((row) => [...row]) : null,
      idempotency_key: key ?? null,
      created_at: new Date(deps.clock.now()),
    };
    const inserted = await insertPrediction(db, {
      ...stored,
      outputs: output.data,
      output_shape: JSON.stringify(output.dims),
      // Derived from the outputs and the model's labels whenever read back: no need to store them.
      labels: JSON.stringify(null),
      warnings: JSON.stringify(check.warnings),
      inputs: JSON.stringify(stored.inputs),
    });
    // The answer's rows are made last, so they live only until the response is written.
    if (inserted) {
      const answer = { outputs: outputRows(output.data, rows, cols), labels: argmaxLabels(output.data, rows, cols, model.labels) };
      return { prediction: { ...stored, ...answer, id: inserted.id }, charged: true };
    }
    // The same key won a race meanwhile: answer as a repeat would.
    const winner = await findByIdempotencyKey(db, p.userId, key!);
    if (!winner) throw badRequest('This Idempotency-Key is in use; retry.');
    return replay(winner, model.id, digest, request.inputs);
  });
}

/** The index of the first value that is Infinity or NaN, or -1. */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** The caller's own prediction; another user's id is NOT_FOUND exactly like a missing one. */
export async function getPrediction(deps: Pick<PredictionServiceDeps, 'database'>, principal: Principal | undefined, id: string): Promise<PredictionRow> {
  const p = requirePredictor(principal);
  const row = await findOwnPrediction(deps.database.db, id, p.userId);
  if (!row) throw notFound('No such prediction.');
  return row;
}

export interface PredictionPage {
  rows: PredictionRow[];
  hasNextPage: boolean;
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(row: PredictionRow): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): PageCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) throw badUserInput('The cursor "after" is not valid.');
  return { createdAt, id };
}

/** The caller's predictions, newest first. */
export async function listPredictions(
  deps: Pick<PredictionServiceDeps, 'database'>,
  principal: Principal | undefined,
  first: number,
  after?: string | null,
): Promise<PredictionPage> {
  const p = requirePredictor(principal);
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`);
  const rows = await listOwnPredictions(deps.database.db, p.userId, first + 1, after ? decodeCursor(after) : undefined);
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}
