import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle, type ConnectOptions } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Logger } from '../../src/logger.js';

/** The real PostgreSQL to run against as well, when the environment names one. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || undefined;
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] || undefined;

export interface TestDatabase extends DatabaseHandle {
  /** The URL of this test's own database on the real server, if on one. */
  readonly url?: string;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let template: Promise<Blob> | undefined;

/** One migrated PGlite per test process, dumped; every test database starts as a copy of it. */
function migratedTemplate(logger: Logger): Promise<Blob> {
  template ??= (async () => {
    const handle = await connectDatabase({ logger });
    try {
      await migrateToLatest(handle.db);
      return await handle.dump!();
    } finally {
      await handle.close();
    }
  })();
  return template;
}

/**
 * A fresh, migrated database: its own database on the real server when TEST_DATABASE_URL is
 * set (dropped on close), otherwise an in-memory PGlite.
 */
export async function createTestDatabase(
  logger: Logger,
  options: { kind?: 'pglite' | 'postgres'; onQuery?: ConnectOptions['onQuery'] } = {},
): Promise<TestDatabase> {
  const kind = options.kind ?? (TEST_DATABASE_URL ? 'postgres' : 'pglite');
  if (kind === 'pglite') {
    const pgliteTemplate = await migratedTemplate(logger);
    return connectDatabase({ logger, pgliteTemplate, ...(options.onQuery ? { onQuery: options.onQuery } : {}) });
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `mg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(TEST_DATABASE_URL, name);
  const handle = await connectDatabase({ url, logger, ...(options.onQuery ? { onQuery: options.onQuery } : {}) });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** The database kinds this run covers: PGlite always, the real server when configured. */
export const DATABASE_KINDS: ReadonlyArray<'pglite' | 'postgres'> = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
