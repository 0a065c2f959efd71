import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { TEST_DATABASE_URL } from '../helpers/database.js';

describe.skipIf(!TEST_DATABASE_URL)('a real PostgreSQL that drops our connections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind: 'postgres' });
  });
  afterAll(() => t.close());

  async function terminateOurBackends(): Promise<number> {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const name = new URL(t.database.url!).pathname.slice(1);
      const result = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      return result.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('loses idle and busy connections to pg_terminate_backend without crashing, and serves again', async () => {
    // Fill the pool with a few connections, one of them busy when the backends die.
    await Promise.all([1, 2, 3].map(() => sql`select 1`.execute(t.database.db)));
    const busy = sql`select pg_sleep(5)`.execute(t.database.db).then(
      () => new Error('the busy query finished'),
      (error: Error) => error,
    );
    await new Promise((r) => setTimeout(r, 200));

    expect(await terminateOurBackends()).toBeGreaterThan(0);
    expect((await busy).message).toMatch(/terminat/i);
    await new Promise((r) => setTimeout(r, 100));

    const ready = await t.app.fetch('http://localhost/ready');
    expect(ready.status).toBe(200);
    const rows = await sql<{ n: number }>`select 2 as n`.execute(t.database.db);
    expect(rows.rows[0]!.n).toBe(2);
    expect(t.log.text()).toMatch(/database connection lost/);
  });
});
