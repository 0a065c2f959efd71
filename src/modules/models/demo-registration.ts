import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DemoModelMetadata } from './demo-model.js';
import { ensureModel, type ModelServiceDeps } from './model.service.js';
import type { ModelRow } from './model.table.js';

const MODELS_DIR = fileURLToPath(new URL('../../../models', import.meta.url));

/** The committed demo model (models/iris.onnx) and its description (models/iris.json). */
export async function readDemoModel(): Promise<{ bytes: Uint8Array; metadata: DemoModelMetadata }> {
  const [bytes, json] = await Promise.all([readFile(`${MODELS_DIR}/iris.onnx`), readFile(`${MODELS_DIR}/iris.json`, 'utf8')]);
  return { bytes, metadata: JSON.parse(json) as DemoModelMetadata };
}

/** Registers `iris` unless a live model has that name (CONTRACT.md §7: `npm start`). */
export async function ensureDemoModel(deps: ModelServiceDeps): Promise<{ created: boolean; model: ModelRow }> {
  const { bytes, metadata } = await readDemoModel();
  return ensureModel(
    deps,
    {
      name: metadata.name,
      description: metadata.description,
      featureNames: metadata.featureNames,
      labels: metadata.labels,
      min: metadata.min,
      max: metadata.max,
      mean: metadata.mean,
      std: metadata.std,
      // The contract's default: a measurement outside the training range is refused.
      rangePolicy: 'reject',
      maxBatchSize: 10_000,
      costWeight: 1,
    },
    bytes,
  );
}
