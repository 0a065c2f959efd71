import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppDeps } from './context.js';
import { connectDatabase, type DatabaseHandle } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { connectRedis } from './db/redis.js';
import { buildDeps, closeDeps } from './deps.js';
import { createModelRuntime } from './modules/models/model-runtime.js';
import type { Logger } from './logger.js';
import { closeAuth } from './modules/auth/auth-runtime.js';
import { resolveMasterKey } from './modules/auth/master-key.js';

/** Connects to the configured database and brings it to the newest migration. */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<{ database: DatabaseHandle; applied: string[] }> {
  const database = await connectDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    logger,
  });
  try {
    const { results } = await migrateToLatest(database.db);
    return { database, applied: (results ?? []).map((r) => `${r.status}: ${r.migrationName}`) };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Opens everything the app needs from the settings, and migrates the database. */
export async function openRuntime(config: Config, logger: Logger, clock: Clock = systemClock): Promise<AppDeps> {
  const { database, applied } = await openMigratedDatabase(config, logger);
  for (const migration of applied) logger.info({ migration }, 'migration');
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
