import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../src/config.js';
import { ensureDemoModel } from '../../src/modules/models/demo-registration.js';
import { modelRuntimeOf } from '../../src/modules/models/model-runtime.js';
import type { ModelRow } from '../../src/modules/models/model.table.js';
import { createTestApp, type TestApp } from './app.js';

export interface AppWithIris {
  readonly t: TestApp;
  /** The demo model, registered; its inference processes are up. */
  readonly iris: ModelRow;
  /** The app's own DATA_DIR (a temporary directory, removed on close). */
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The real app with its own DATA_DIR and the demo iris model ready to predict. */
export async function createAppWithIris(env: Environment = {}): Promise<AppWithIris> {
  const dataDir = await mkdtemp(join(tmpdir(), 'modelgate-iris-'));
  const t = await createTestApp({ env: { DATA_DIR: dataDir, ...env } });
  const iris = (await ensureDemoModel({ ...t.deps, runtime: modelRuntimeOf(t.deps) })).model;
  await modelRuntimeOf(t.deps).pool.ready();
  return {
    t,
    iris,
    dataDir,
    close: async () => {
      await modelRuntimeOf(t.deps).close();
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
