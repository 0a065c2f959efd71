import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, type Config, type Environment } from '../../src/config.js';
import { ROLE_SCOPES, type Principal } from '../../src/modules/auth/principal.js';
import { ensureDemoModel } from '../../src/modules/models/demo-registration.js';
import type { InferencePool } from '../../src/modules/models/inference-pool.js';
import { createModelRuntime, type ModelRuntime } from '../../src/modules/models/model-runtime.js';
import type { ModelServiceDeps } from '../../src/modules/models/model.service.js';
import type { ModelRow } from '../../src/modules/models/model.table.js';
import type { Role } from '../../src/modules/users/user.table.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { captureLog, type CapturedLog } from './log-capture.js';

export interface ModelKit {
  readonly deps: ModelServiceDeps;
  readonly config: Config;
  readonly database: TestDatabase;
  readonly clock: ManualClock;
  readonly log: CapturedLog;
  /** This test's own DATA_DIR (a temporary directory, removed on close). */
  readonly dataDir: string;
  /** How many batches reached the inference pool. */
  inferenceRuns(): number;
  /** A signed-in principal of a new user with this role. */
  principal(role?: Role): Promise<Principal>;
  registerIris(): Promise<ModelRow>;
  /** Every file name under DATA_DIR/models. */
  storedFiles(): Promise<string[]>;
  close(): Promise<void>;
}

/** Counts the batches that reach the real pool: proves a refused input never ran. */
function counting(pool: InferencePool): { pool: InferencePool; runs: () => number } {
  let runs = 0;
  return {
    pool: { ...pool, run: (task, options) => (runs++, pool.run(task, options)) },
    runs: () => runs,
  };
}

/** Real services on a real database and a real inference pool, with their own DATA_DIR. */
export async function createModelKit(options: { env?: Environment; kind?: 'pglite' | 'postgres' } = {}): Promise<ModelKit> {
  const log = captureLog();
  const dataDir = await mkdtemp(join(tmpdir(), 'modelgate-models-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...options.env });
  const database = await createTestDatabase(log.logger, options.kind ? { kind: options.kind } : {});
  const clock = new ManualClock(Date.now());
  const real: ModelRuntime = createModelRuntime(config);
  const { pool, runs } = counting(real.pool);
  const runtime: ModelRuntime = { ...real, pool };
  const deps: ModelServiceDeps = { database, config, clock, logger: log.logger, runtime };
  let users = 0;
  return {
    deps,
    config,
    database,
    clock,
    log,
    dataDir,
    inferenceRuns: runs,
    async principal(role: Role = 'USER') {
      const user = await database.db
        .insertInto('users')
        .values({ email: `user${++users}-${role.toLowerCase()}@example.com`, role, tier: 'FREE', password_hash: null, display_name: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { kind: 'user', userId: user.id, role, tier: 'FREE', scopes: new Set(ROLE_SCOPES[role]) };
    },
    async registerIris() {
      return (await ensureDemoModel(deps)).model;
    },
    async storedFiles() {
      const dir = join(dataDir, 'models');
      return stat(dir).then(
        async () => (await readdir(dir)).sort(),
        () => [],
      );
    },
    async close() {
      await real.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A WHATWG File as yoga hands it to a resolver after parsing a multipart upload. */
export function uploadOf(bytes: Uint8Array, name = 'model.onnx'): File {
  return new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream' });
}
