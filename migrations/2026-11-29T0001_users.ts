import { sql, type Kysely } from 'kysely';

// Frozen once landed: Kysely<any>, no imports from the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('USER').check(sql`role in ('USER', 'MAINTAINER', 'ADMIN')`))
    .addColumn('tier', 'text', (c) => c.notNull().defaultTo('FREE').check(sql`tier in ('FREE', 'PRO', 'ENTERPRISE')`))
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Email is unique whatever its case: Alice@x and alice@x are one account.
  await sql`create unique index users_email_lower_key on users (lower(email))`.execute(db);
  await sql`create index users_role_idx on users (role) where not disabled`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('users').execute();
}
