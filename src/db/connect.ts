import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { Database, Db } from './database.js';
import { dropRowTypeParsers } from './pglite-parsers.js';

export interface DatabaseHandle {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: a copy of the whole database (tests use it as a template). */
  dump?: () => Promise<Blob>;
}

export interface ConnectOptions {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  url?: string | undefined;
  /** Folder for PGlite's files; absent means in memory (tests). */
  dataDir?: string | undefined;
  logger: Logger;
  /** Called for every executed query; tests count queries with it. */
  onQuery?: (event: LogEvent) => void;
  /** Pool size for PostgreSQL. @default 10 */
  poolSize?: number;
  /** Starts PGlite from a dump of another instance (tests start from a migrated template). */
  pgliteTemplate?: Blob;
}

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  const log = options.onQuery ? (event: LogEvent) => options.onQuery!(event) : undefined;
  if (options.url) return connectPostgres(options.url, options, log);
  return connectPglite(options, log);
}

function connectPostgres(
  url: string,
  options: ConnectOptions,
  log: ((event: LogEvent) => void) | undefined,
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Bounded so a hung server cannot hold a request forever.
    query_timeout: 15_000,
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would
  // crash the process. The pool drops that client and the next query gets a fresh one.
  const lost = (error: Error) => options.logger.warn({ err: error }, 'database connection lost; it will be replaced');
  pool.on('error', lost);
  // A client killed while checked out (pg_terminate_backend, a server restart) emits 'error'
  // outside the pool's idle listener; the query in flight fails, the process must not.
  pool.on('connect', (client) => client.on('error', lost));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

async function connectPglite(
  options: ConnectOptions,
  log: ((event: LogEvent) => void) | undefined,
): Promise<DatabaseHandle> {
  // Loaded lazily: deployments with a real PostgreSQL never pay for the WASM build.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  let dataPath: string | undefined;
  if (options.dataDir) {
    dataPath = path.resolve(options.dataDir, 'pgdata');
    mkdirSync(dataPath, { recursive: true, mode: 0o700 });
  }
  const client = dataPath
    ? new PGlite(dataPath)
    : new PGlite(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {});
  await client.waitReady;
  await dropRowTypeParsers(client);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client), ...(log ? { log } : {}) });
  let closed = false;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      if (closed || client.closed) throw new Error('database closed');
      await sql`select 1`.execute(db);
    },
    close: async () => {
      closed = true;
      await db.destroy();
    },
    dump: async () => (await client.dumpDataDir('none')) as Blob,
  };
}
