import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { modelRuntimeOf } from '../modules/models/model-runtime.js';
import { importModel, type ModelSpec } from '../modules/models/model.service.js';
import { closeRuntime, openRuntime } from '../runtime.js';
import { UsageError } from './create-user.js';

export const IMPORT_MODEL_USAGE = `import-model --name N --file PATH [--description D] [--feature-names a,b,..] [--labels x,y,..]
                        [--min n,..] [--max n,..] [--mean n,..] [--std n,..] [--max-batch-size N]
                        [--range-policy reject|warn] [--cost-weight W] [--store-inputs]`;

const names = (text: string | undefined) => (text === undefined ? undefined : text.split(',').map((s) => s.trim()));

function numbers(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v))) throw new UsageError(`--${flag} must be comma-separated numbers`);
  return values;
}

/** `modelgate import-model`: registers an ONNX file from the operator's disk, with the upload's checks. */
export async function importModelCommand(config: Config, logger: Logger, argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: 'string' },
      file: { type: 'string' },
      description: { type: 'string' },
      'feature-names': { type: 'string' },
      labels: { type: 'string' },
      min: { type: 'string' },
      max: { type: 'string' },
      mean: { type: 'string' },
      std: { type: 'string' },
      'max-batch-size': { type: 'string' },
      'range-policy': { type: 'string', default: 'reject' },
      'cost-weight': { type: 'string' },
      'store-inputs': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.name || !values.file) throw new UsageError(`--name and --file are required\nusage: modelgate ${IMPORT_MODEL_USAGE}`);
  const policy = values['range-policy'];
  if (policy !== 'reject' && policy !== 'warn') throw new UsageError('--range-policy must be reject or warn');
  const spec: ModelSpec = {
    name: values.name,
    description: values.description ?? null,
    featureNames: names(values['feature-names']),
    labels: names(values.labels),
    min: numbers('min', values.min),
    max: numbers('max', values.max),
    mean: numbers('mean', values.mean),
    std: numbers('std', values.std),
    maxBatchSize: values['max-batch-size'] === undefined ? undefined : Number(values['max-batch-size']),
    rangePolicy: policy,
    costWeight: values['cost-weight'] === undefined ? undefined : Number(values['cost-weight']),
    storeInputs: values['store-inputs'],
  };
  const bytes = await readFile(values.file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --file: ${error.code ?? error.message}`);
  });
  const deps = await openRuntime(config, logger);
  try {
    const model = await importModel({ ...deps, runtime: modelRuntimeOf(deps) }, spec, bytes);
    print(`imported ${model.name} version ${model.version} (${model.id}), ${model.feature_count} features, sha256 ${model.sha256}`);
  } finally {
    await closeRuntime(deps);
  }
}
