import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { badRequest, badUserInput, forbidden, internalError, notFound, predictionTimeout, serviceUnavailable, unauthenticated } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Principal } from '../auth/principal.js';
import { ArtifactError, type StagedArtifact } from './artifact-store.js';
import { InferenceError } from './inference-pool.js';
import { checkSignature, inspectModelFile } from './model-inspection.js';
import {
  countLiveModelsWithDigest,
  findLiveModelById,
  findModelById,
  findLiveModelByName,
  insertModel,
  listLiveModels,
  markModelDeleted,
  nextModelVersion,
} from './model.repository.js';
import type { ModelRuntime } from './model-runtime.js';
import type { ModelRow, RangePolicy } from './model.table.js';

export interface ModelServiceDeps {
  database: DatabaseHandle;
  config: Config;
  clock: Clock;
  logger: Logger;
  runtime: ModelRuntime;
}

/** What describes a model besides its file (CreateModelInput, the import command, the demo). */
export interface ModelSpec {
  name: string;
  description?: string | null;
  featureNames?: readonly string[] | null;
  labels?: readonly string[] | null;
  maxBatchSize?: number | null;
  min?: readonly number[] | null;
  max?: readonly number[] | null;
  mean?: readonly number[] | null;
  std?: readonly number[] | null;
  rangePolicy?: RangePolicy | null;
  costWeight?: number | null;
  storeInputs?: boolean | null;
}

export const DEFAULT_MAX_BATCH_SIZE = 1000;
export const MAX_BATCH_SIZE_LIMIT = 100_000;
const INSPECT_TIMEOUT_MS = 15_000;
const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

function requirePrincipal(principal: Principal | undefined): Principal {
  if (!principal) throw unauthenticated();
  return principal;
}

/** Defense in depth beside the schema directives: only MAINTAINER and ADMIN change models. */
function requireModelWriter(principal: Principal | undefined): Principal {
  const p = requirePrincipal(principal);
  if (p.role === 'USER' || !p.scopes.has('models:write')) throw forbidden('Only maintainers and admins may change models.');
  return p;
}

const finiteList = (values: readonly number[] | null | undefined) => !values || values.every(Number.isFinite);

/** Problems with a model description, before any byte of its file is read. */
export function modelSpecProblem(spec: ModelSpec): string | undefined {
  if (!NAME.test(spec.name)) return 'Model name must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
  if (spec.description && spec.description.length > 1000) return 'Description must be at most 1000 characters.';
  if (spec.featureNames?.some((n) => n.length < 1 || n.length > 100)) return 'Feature names must be 1-100 characters each.';
  if (spec.labels?.some((n) => n.length < 1 || n.length > 100)) return 'Labels must be 1-100 characters each.';
  const batch = spec.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH_SIZE_LIMIT) return `maxBatchSize must be between 1 and ${MAX_BATCH_SIZE_LIMIT}.`;
  if (!finiteList(spec.min) || !finiteList(spec.max) || !finiteList(spec.mean) || !finiteList(spec.std)) return 'min, max, mean and std must be finite numbers.';
  if (spec.std?.some((s) => s < 0)) return 'std must not be negative.';
  if (spec.min && spec.max && spec.min.length === spec.max.length && spec.min.some((lo, i) => lo > spec.max![i]!)) {
    const i = spec.min.findIndex((lo, j) => lo > spec.max![j]!);
    return `min of feature ${i} is above its max.`;
  }
  if (spec.costWeight !== undefined && spec.costWeight !== null && !(spec.costWeight > 0 && spec.costWeight <= 1000)) return 'costWeight must be above 0 and at most 1000.';
  return undefined;
}

/** Problems once the feature count is known from the file. */
function featureCountProblem(spec: ModelSpec, featureCount: number): string | undefined {
  const lists: Array<[string, readonly unknown[] | null | undefined]> = [
    ['featureNames', spec.featureNames],
    ['min', spec.min],
    ['max', spec.max],
    ['mean', spec.mean],
    ['std', spec.std],
  ];
  for (const [name, list] of lists) {
    if (list && list.length !== featureCount) return `${name} has ${list.length} entries; the model takes ${featureCount} features.`;
  }
  return undefined;
}

const json = (value: unknown) => JSON.stringify(value ?? null);

async function register(deps: ModelServiceDeps, spec: ModelSpec, sha256: string, size: number, featureCount: number, createdBy: string | null): Promise<ModelRow> {
  return deps.database.db.transaction().execute(async (tx) =>
    insertModel(tx, {
      name: spec.name,
      version: await nextModelVersion(tx, spec.name),
      description: spec.description ?? null,
      sha256,
      size_bytes: size,
      feature_count: featureCount,
      feature_names: json(spec.featureNames),
      labels: json(spec.labels),
      feature_min: json(spec.min),
      feature_max: json(spec.max),
      feature_mean: json(spec.mean),
      feature_std: json(spec.std),
      range_policy: spec.rangePolicy ?? 'reject',
      max_batch_size: spec.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
      cost_weight: spec.costWeight ?? 1,
      store_inputs: spec.storeInputs ?? false,
      created_by: createdBy,
      created_at: new Date(deps.clock.now()),
    }),
  );
}

/**
 * Registers an uploaded model: the file is streamed to disk under the size cap, loaded once in
 * a separate process, accepted only with one float input [N, featureCount], and stored by its
 * SHA-256. On any refusal nothing is left on disk. The file's own name is never used.
 */
export async function createModel(
  deps: ModelServiceDeps,
  principal: Principal | undefined,
  spec: ModelSpec,
  file: { stream(): ReadableStream<Uint8Array> },
): Promise<ModelRow> {
  const p = requireModelWriter(principal);
  const problem = modelSpecProblem(spec);
  if (problem) throw badUserInput(problem);
  const { artifacts } = deps.runtime;

  let staged: StagedArtifact;
  try {
    staged = await artifacts.stage(file.stream(), deps.config.limits.maxModelBytes);
  } catch (error) {
    if (error instanceof ArtifactError) {
      throw error.code === 'TOO_LARGE' ? badRequest(error.message, 413) : badUserInput(error.message);
    }
    throw error;
  }
  let committed = false;
  try {
    const signature = checkSignature(await inspectModelFile(staged.tempPath, INSPECT_TIMEOUT_MS));
    if ('problem' in signature) throw badUserInput(signature.problem);
    const countProblem = featureCountProblem(spec, signature.featureCount);
    if (countProblem) throw badUserInput(countProblem);
    await artifacts.commit(staged);
    committed = true;
    const model = await register(deps, spec, staged.sha256, staged.size, signature.featureCount, p.userId);
    deps.logger.info({ event: 'model_created', modelId: model.id, name: model.name, version: model.version, sha256: model.sha256, userId: p.userId }, 'model created');
    return model;
  } catch (error) {
    if (!committed) await artifacts.discard(staged);
    else if ((await countLiveModelsWithDigest(deps.database.db, staged.sha256)) === 0) await artifacts.remove(staged.sha256);
    throw error;
  }
}

/** Registers a model from bytes already trusted by the operator (import command, demo model). */
export async function importModel(deps: ModelServiceDeps, spec: ModelSpec, bytes: Uint8Array): Promise<ModelRow> {
  const problem = modelSpecProblem(spec);
  if (problem) throw badUserInput(problem);
  if (bytes.byteLength > deps.config.limits.maxModelBytes) throw badRequest(`The model file is larger than the limit of ${deps.config.limits.maxModelBytes} bytes.`, 413);
  const { sha256, path } = await deps.runtime.artifacts.put(bytes);
  const signature = checkSignature(await inspectModelFile(path, INSPECT_TIMEOUT_MS));
  const fail = 'problem' in signature ? signature.problem : featureCountProblem(spec, signature.featureCount);
  if (fail || 'problem' in signature) {
    if ((await countLiveModelsWithDigest(deps.database.db, sha256)) === 0) await deps.runtime.artifacts.remove(sha256);
    throw badUserInput(fail!);
  }
  const model = await register(deps, spec, sha256, bytes.byteLength, signature.featureCount, null);
  deps.logger.info({ event: 'model_created', modelId: model.id, name: model.name, version: model.version, sha256 }, 'model imported');
  return model;
}

/** Registers a model only when no live model has that name (the demo model at start). */
export async function ensureModel(deps: ModelServiceDeps, spec: ModelSpec, bytes: Uint8Array): Promise<{ created: boolean; model: ModelRow }> {
  const existing = await findLiveModelByName(deps.database.db, spec.name);
  if (existing) return { created: false, model: existing };
  return { created: true, model: await importModel(deps, spec, bytes) };
}

export async function listModels(deps: Pick<ModelServiceDeps, 'database'>, principal: Principal | undefined): Promise<ModelRow[]> {
  requirePrincipal(principal);
  return listLiveModels(deps.database.db);
}

export async function getModel(deps: Pick<ModelServiceDeps, 'database'>, principal: Principal | undefined, id: string): Promise<ModelRow | undefined> {
  requirePrincipal(principal);
  return findLiveModelById(deps.database.db, id);
}

/** Deletes a model: its row stays (past predictions name it), its file goes when unused. */
export async function deleteModel(deps: ModelServiceDeps, principal: Principal | undefined, id: string): Promise<void> {
  const p = requireModelWriter(principal);
  const model = await markModelDeleted(deps.database.db, id, new Date(deps.clock.now()));
  if (!model) throw notFound('No such model.');
  if ((await countLiveModelsWithDigest(deps.database.db, model.sha256)) === 0) await deps.runtime.artifacts.remove(model.sha256);
  deps.logger.info({ event: 'model_deleted', modelId: model.id, name: model.name, userId: p.userId }, 'model deleted');
}

/** For the cost plugin: a live model's cost weight, or undefined for an unknown id. */
export async function modelCostWeight(deps: Pick<ModelServiceDeps, 'database'>, id: string): Promise<number | undefined> {
  return (await findLiveModelById(deps.database.db, id))?.cost_weight;
}

/** A model's answer for a batch: row-major outputs with their dims. */
export interface ModelOutput {
  data: Float32Array;
  dims: number[];
}

/**
 * Runs a validated batch (`rows` rows of the model's features, row-major) on the pool. Maps the pool's failures to the contract: a full queue is
 * SERVICE_UNAVAILABLE with Retry-After, a deadline is PREDICTION_TIMEOUT, a changed file is
 * refused and logged as `model_tampered`.
 */
export async function runModel(
  deps: Pick<ModelServiceDeps, 'runtime' | 'logger'>,
  model: ModelRow,
  data: Float32Array,
  rows: number,
  schedule: { owner?: string; deadlineAt?: number } = {},
): Promise<ModelOutput> {
  const { artifacts, pool } = deps.runtime;
  try {
    return await pool.run({ path: artifacts.pathOf(model.sha256), sha256: model.sha256, data, rows, cols: model.feature_count }, schedule);
  } catch (error) {
    if (!(error instanceof InferenceError)) throw error;
    switch (error.code) {
      case 'QUEUE_FULL':
        throw serviceUnavailable('The inference queue is full; try again shortly.', 1);
      case 'TIMEOUT':
        throw predictionTimeout();
      case 'CLOSED':
        throw serviceUnavailable('The inference pool is shutting down.', 1);
      case 'TAMPERED':
        deps.logger.error({ event: 'model_tampered', modelId: model.id, name: model.name, sha256: model.sha256, reason: error.message }, 'stored model file missing or failed its digest check; refused');
        throw serviceUnavailable('The model cannot be served: its stored file failed its integrity check.', 60);
      default:
        deps.logger.error({ event: 'inference_failed', modelId: model.id, reason: error.message }, 'inference failed');
        throw internalError();
    }
  }
}

/** A live model to predict with (no principal check here: `predict` has done it). */
export function getModelForPrediction(deps: Pick<ModelServiceDeps, 'database'>, id: string): Promise<ModelRow | undefined> {
  return findLiveModelById(deps.database.db, id);
}

/** Any model by id, deleted too: the model a past prediction was made with. */
export function getModelOfPrediction(deps: Pick<ModelServiceDeps, 'database'>, id: string): Promise<ModelRow | undefined> {
  return findModelById(deps.database.db, id);
}
