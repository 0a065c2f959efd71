import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export type { Redis } from 'ioredis';

export interface RedisOptions {
  url: string;
  logger: Logger;
  /** A command that takes longer fails instead of holding the request. @default 150 */
  commandTimeoutMs?: number;
}

/**
 * A Redis client that never holds a request up: no offline queue (commands fail at once while
 * disconnected), bounded command time, and reconnection in the background.
 */
export function connectRedis(options: RedisOptions): Redis {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? 150,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastErrorLogged = 0;
  // Unhandled 'error' events would crash the process; a flapping server would flood the log.
  redis.on('error', (error) => {
    const now = Date.now();
    if (now - lastErrorLogged > 5_000) {
      lastErrorLogged = now;
      options.logger.warn({ err: error }, 'redis unavailable; falling back to per-instance limits');
    }
  });
  return redis;
}

/** Resolves once the client is connected, or rejects after `timeoutMs`. */
export async function redisReady(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('redis did not become ready in time'));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
