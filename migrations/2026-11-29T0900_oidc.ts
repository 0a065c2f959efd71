import { sql, type Kysely } from 'kysely';

// Frozen once landed: Kysely<any>, no imports from the app.
export async function up(db: Kysely<any>): Promise<void> {
  // Who a user is at an outside issuer (an OIDC provider or a trusted JWT issuer): (iss, sub)
  // is the stable identity; an email can change hands at the provider, a subject cannot.
  await db.schema
    .createTable('external_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('external_identities_pkey', ['issuer', 'subject'])
    .execute();
  await db.schema.createIndex('external_identities_user_idx').on('external_identities').column('user_id').execute();

  // One row per started OIDC sign-in: found by the hash of `state`, deleted when used. The nonce
  // and PKCE verifier are sealed under `state`, so the table alone does not reveal them.
  await db.schema
    .createTable('oidc_sign_in_states')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oidc_sign_in_states_expires_idx').on('oidc_sign_in_states').column('expires_at').execute();

  // The one-time codes the callback hands the browser; stored hashed, single use.
  await db.schema
    .createTable('oidc_login_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await sql`create index oidc_login_codes_expires_idx on oidc_login_codes (expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_login_codes').execute();
  await db.schema.dropTable('oidc_sign_in_states').execute();
  await db.schema.dropTable('external_identities').execute();
}
