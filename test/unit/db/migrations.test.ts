import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMigrator } from '../../../src/db/migrate.js';
import { createTestDatabase, DATABASE_KINDS } from '../../helpers/database.js';
import { captureLog } from '../../helpers/log-capture.js';

describe.each(DATABASE_KINDS)('migrations on %s', (kind) => {
  it('bring an empty database to the newest schema, and again is a no-op', async () => {
    const database = await createTestDatabase(captureLog().logger, { kind });
    try {
      const migrations = await createMigrator(database.db).getMigrations();
      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.every((m) => m.executedAt)).toBe(true);
      const again = await createMigrator(database.db).migrateToLatest();
      expect(again.error).toBeUndefined();
      expect(again.results).toEqual([]);
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public'`.execute(database.db);
      expect(tables.rows.map((r) => r.table_name)).toContain('users');
    } finally {
      await database.close();
    }
  });

  it('keeps emails unique whatever their case', async () => {
    const database = await createTestDatabase(captureLog().logger, { kind });
    try {
      await database.db.insertInto('users').values({ email: 'Alice@Example.com', role: 'USER', tier: 'FREE', password_hash: null, display_name: null }).execute();
      await expect(
        database.db.insertInto('users').values({ email: 'alice@example.COM', role: 'USER', tier: 'FREE', password_hash: null, display_name: null }).execute(),
      ).rejects.toThrow(/unique|duplicate/i);
      await expect(
        database.db.insertInto('users').values({ email: 'bob@example.com', role: 'ROOT' as 'USER', tier: 'FREE', password_hash: null, display_name: null }).execute(),
      ).rejects.toThrow(/check/i);
    } finally {
      await database.close();
    }
  });
});
