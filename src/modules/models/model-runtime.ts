import { join } from 'node:path';
import type { Config } from '../../config.js';
import { createArtifactStore, type ArtifactStore } from './artifact-store.js';
import { createInferencePool, type InferencePool } from './inference-pool.js';

/** The long-lived parts behind models and predictions: the artifact store and the inference pool. */
export interface ModelRuntime {
  readonly artifacts: ArtifactStore;
  readonly pool: InferencePool;
  /** Predictions running or waiting, per identity (user id). */
  readonly inFlight: Map<string, number>;
  close(): Promise<void>;
}

export function createModelRuntime(config: Config, overrides: { artifactsDir?: string } = {}): ModelRuntime {
  const pool = createInferencePool({
    size: config.inference.processes,
    maxQueue: config.inference.queueSize,
    timeoutMs: config.inference.timeoutMs,
  });
  return {
    artifacts: createArtifactStore(overrides.artifactsDir ?? join(config.dataDir, 'models')),
    pool,
    inFlight: new Map(),
    close: () => pool.close(),
  };
}

// One runtime per set of app deps, made on first use: the app works whether or not the
// runtime builder made one up front.
const runtimes = new WeakMap<object, ModelRuntime>();

/** The runtime of these deps (`deps.models` when given, else one made once from the config). */
export function modelRuntimeOf(deps: { config: Config; models?: ModelRuntime | undefined }): ModelRuntime {
  if (deps.models) return deps.models;
  let runtime = runtimes.get(deps);
  if (!runtime) {
    runtime = createModelRuntime(deps.config);
    runtimes.set(deps, runtime);
  }
  return runtime;
}

export async function closeModelRuntimeOf(deps: { models?: ModelRuntime | undefined }): Promise<void> {
  await deps.models?.close();
  const made = runtimes.get(deps);
  runtimes.delete(deps);
  await made?.close();
}
