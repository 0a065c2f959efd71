import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppDeps } from './context.js';
import type { DatabaseHandle } from './db/connect.js';
import type { Redis } from './db/redis.js';
import { createInvalidationBus } from './lib/invalidation-bus.js';
import { deriveKey } from './lib/master-key.js';
import type { Logger } from './logger.js';
import { createApiKeyService } from './modules/api-keys/api-key.service.js';
import { createAuditLog } from './modules/audit/audit.service.js';
import { createPasswordHasher } from './modules/auth/password.js';
import { closeModelRuntimeOf, type ModelRuntime } from './modules/models/model-runtime.js';
import { createUserCache } from './modules/users/user-cache.js';

export interface DepsInput {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  clock: Clock;
  masterKey: string;
  redis?: Redis | undefined;
  models?: ModelRuntime | undefined;
}

/** Wires the long-lived services from their parts. One place, used by the server and by tests. */
export function buildDeps(input: DepsInput): AppDeps {
  const { config, database, logger, clock, redis } = input;
  const bus = createInvalidationBus(redis, logger);
  return {
    config,
    database,
    logger,
    clock,
    redis,
    models: input.models,
    bus,
    passwords: createPasswordHasher({ concurrency: config.passwordHashConcurrency }),
    apiKeys: createApiKeyService({ db: database.db, pepper: deriveKey(input.masterKey, 'api-key-pepper'), clock, bus, logger }),
    audit: createAuditLog({ db: database.db, logger, clock }),
    users: createUserCache({ db: database.db, clock, bus }),
  };
}

/** Stops what buildDeps started (not the database, whose owner closes it). */
export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.audit.flush();
  deps.bus.close();
  await closeModelRuntimeOf(deps);
}
