import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModelCommand } from '../../../src/cli/import-model.js';
import { UsageError } from '../../../src/cli/create-user.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { closeRuntime, openRuntime } from '../../../src/runtime.js';
import { ensureDemoModel } from '../../../src/modules/models/demo-registration.js';
import { modelRuntimeOf } from '../../../src/modules/models/model-runtime.js';
import { captureLog } from '../../helpers/log-capture.js';
import { linearModel } from '../../helpers/onnx-models.js';

// Each command opens the embedded database under DATA_DIR as the real command does (seconds
// each, many on a busy machine).
const OPENS_EMBEDDED_DATABASE = 180_000;

describe('modelgate import-model and the demo model at start', () => {
  let dataDir: string;
  let config: Config;
  const log = captureLog();
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'modelgate-cli-'));
    config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir });
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('imports an ONNX file from disk with the upload checks, and refuses a mismatch with one clear line', async () => {
    const file = join(dataDir, 'pair.onnx');
    await writeFile(file, linearModel(2));
    const lines: string[] = [];
    await importModelCommand(config, log.logger, ['--name', 'pair', '--file', file, '--feature-names', 'a,b', '--min', '0,0', '--max', '1,1'], (l) => lines.push(l));
    expect(lines[0]).toMatch(/^imported pair version 1 \(.+\), 2 features, sha256 [0-9a-f]{64}$/);
    await expect(importModelCommand(config, log.logger, ['--name', 'bad', '--file', file, '--feature-names', 'a,b,c'], () => {})).rejects.toThrow(
      'featureNames has 3 entries; the model takes 2 features.',
    );
    await expect(importModelCommand(config, log.logger, ['--name', 'x', '--file', join(dataDir, 'missing.onnx')], () => {})).rejects.toBeInstanceOf(UsageError);
    await expect(importModelCommand(config, log.logger, ['--name', 'x', '--file', file, '--min', '0,zero'], () => {})).rejects.toBeInstanceOf(UsageError);
  }, OPENS_EMBEDDED_DATABASE);

  it('registers iris once: a second start finds it and adds nothing', async () => {
    const deps = await openRuntime(config, log.logger);
    try {
      const first = await ensureDemoModel({ ...deps, runtime: modelRuntimeOf(deps) });
      const second = await ensureDemoModel({ ...deps, runtime: modelRuntimeOf(deps) });
      expect(first.created).toBe(true);
      expect(second).toEqual({ created: false, model: first.model });
      expect(first.model).toMatchObject({ name: 'iris', feature_count: 4, labels: ['setosa', 'versicolor', 'virginica'], feature_min: [4.3, 2, 1, 0.1], feature_max: [7.9, 4.4, 6.9, 2.5] });
      expect(await readdir(join(dataDir, 'models'))).toContain(`${first.model.sha256}.onnx`);
    } finally {
      await closeRuntime(deps);
    }
  }, OPENS_EMBEDDED_DATABASE);
});
