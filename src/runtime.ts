import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppDeps } from './context.js';
import { connectDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { connectRedis } from './db/redis.js';
import type { Logger } from './logger.js';
import { closeAuth } from './modules/auth/auth-runtime.js';
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
  return {
    config,
    database,
    logger,
    clock,
    passwords: createPasswordHasher({ concurrency: config.passwordHashConcurrency }),
    redis: config.redisUrl ? connectRedis({ url: config.redisUrl, logger }) : undefined,
  };
}

export async function closeRuntime(deps: AppDeps): Promise<void> {
  await closeAuth(deps);
  deps.redis?.disconnect();
  await deps.database.close();
}
