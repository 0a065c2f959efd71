import { sql, type Kysely } from 'kysely';

// Frozen once landed: Kysely<any>, no imports from the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('algorithm', 'text', (c) => c.notNull().check(sql`algorithm in ('EdDSA', 'ES256')`))
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    // PKCS#8 PEM sealed with AES-256-GCM under a key derived from MASTER_KEY.
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz')
    // A retired key verifies until the longest access token it signed has expired.
    .addColumn('verify_until', 'timestamptz')
    .execute();
  // At most one active key, so two instances starting at once cannot both create one.
  await sql`create unique index signing_keys_one_active on signing_keys ((true)) where retired_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signing_keys').execute();
}
