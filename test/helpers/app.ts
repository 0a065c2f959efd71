import type { LogEvent } from 'kysely';
import { createApp, type App } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, type Config, type Environment } from '../../src/config.js';
import type { AppDeps } from '../../src/context.js';
import { connectRedis, type Redis } from '../../src/db/redis.js';
import { buildDeps, closeDeps } from '../../src/deps.js';
import { closeAuth } from '../../src/modules/auth/auth-runtime.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { captureLog, type CapturedLog } from './log-capture.js';

export interface TestApp {
  readonly app: App;
  readonly deps: AppDeps;
  readonly config: Config;
  readonly clock: ManualClock;
  readonly log: CapturedLog;
  readonly database: TestDatabase;
  /** POSTs a GraphQL operation and returns status, headers and parsed body. */
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
}

export interface TestAppOptions {
  env?: Environment;
  database?: TestDatabase;
  kind?: 'pglite' | 'postgres';
  /** A Redis URL to share limits through (e.g. TEST_REDIS_URL or a server the test started). */
  redisUrl?: string;
  /** Reuse a clock (two app instances sharing time). */
  clock?: ManualClock;
  /** Sees every SQL query (to count them). */
  onQuery?: (event: LogEvent) => void;
}

/** One master key for every test app, so two instances on one database agree on key hashes. */
export const TEST_MASTER_KEY = 'test-master-key-0123456789abcdefghijklmnop';

/** The real app on a real (fresh) database, with a manual clock and captured logs. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const log = captureLog();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: '/nonexistent-test-data-dir',
    // Stored signing keys are sealed with it; the data directory above must stay untouched.
    MASTER_KEY: TEST_MASTER_KEY,
    ...options.env,
  });
  const database =
    options.database ??
    (await createTestDatabase(log.logger, {
      ...(options.kind ? { kind: options.kind } : {}),
      ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    }));
  const clock = options.clock ?? new ManualClock(Date.now());
  const redis: Redis | undefined = options.redisUrl ? connectRedis({ url: options.redisUrl, logger: log.logger }) : undefined;
  const deps = buildDeps({ config, database, logger: log.logger, clock, masterKey: config.masterKey ?? TEST_MASTER_KEY, redis });
  const app = createApp(deps);
  return {
    app,
    deps,
    config,
    clock,
    log,
    database,
    async gql(query, variables, headers) {
      const response = await app.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text) as GraphQLResponse['body'] };
    },
    close: async () => {
      await closeAuth(deps);
      await closeDeps(deps);
      redis?.disconnect();
      if (!options.database) await database.close();
    },
  };
}
