import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppDeps } from './context.js';
import { connectDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { connectRedis } from './db/redis.js';
import { buildDeps, closeDeps } from './deps.js';
import { createModelRuntime } from './modules/models/model-runtime.js';
import type { Logger } from './logger.js';
import { closeAuth } from './modules/auth/auth-runtime.js';
import { resolveMasterKey } from './modules/auth/master-key.js';

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
  const masterKey = resolveMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
  const redis = config.redisUrl ? connectRedis({ url: config.redisUrl, logger }) : undefined;
  return buildDeps({ config, database, logger, clock, masterKey, redis, models: createModelRuntime(config) });
}

export async function closeRuntime(deps: AppDeps): Promise<void> {
  await closeAuth(deps);
  await closeDeps(deps);
  deps.redis?.disconnect();
  await deps.database.close();
}
