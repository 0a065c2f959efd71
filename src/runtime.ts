import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppDeps } from './context.js';
import { connectDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { connectRedis } from './db/redis.js';
import { createInvalidationBus } from './lib/invalidation-bus.js';
import { deriveKey, loadMasterKey } from './lib/master-key.js';
import { createApiKeyService } from './modules/api-keys/api-key.service.js';
import type { Logger } from './logger.js';
import { createPasswordHasher } from './modules/auth/password.js';

/** Opens everything the app needs from the settings, and migrates the database. */
export async function openRuntime(config: Config, logger: Logger, clock: Clock = systemClock): Promise<AppDeps> {
  const database = await connectDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    logger,
  });
  try {
    const { results } = await migrateToLatest(database.db);
    for (const r of results ?? []) logger.info({ migration: r.migrationName, status: r.status }, 'migration');
  } catch (error) {
    await database.close();
    throw error;
  }
  const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, production: config.production });
  const redis = config.redisUrl ? connectRedis({ url: config.redisUrl, logger }) : undefined;
  const bus = createInvalidationBus(redis, logger);
  return {
    config,
    database,
    logger,
    clock,
    passwords: createPasswordHasher({ concurrency: config.passwordHashConcurrency }),
    redis,
    bus,
    apiKeys: createApiKeyService({ db: database.db, pepper: deriveKey(masterKey, 'api-key-pepper'), clock, bus, logger }),
  };
}

export async function closeRuntime(deps: AppDeps): Promise<void> {
  deps.bus.close();
  deps.redis?.disconnect();
  await deps.database.close();
}
