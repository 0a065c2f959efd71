import { sql, type Kysely } from 'kysely';

// Frozen once landed: Kysely<any>, no imports from the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('models')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('feature_count', 'integer', (c) => c.notNull().check(sql`feature_count > 0`))
    .addColumn('feature_names', 'jsonb')
    .addColumn('labels', 'jsonb')
    // Per-feature arrays (null entries: no bound / no statistic for that feature).
    .addColumn('feature_min', 'jsonb')
    .addColumn('feature_max', 'jsonb')
    .addColumn('feature_mean', 'jsonb')
    .addColumn('feature_std', 'jsonb')
    .addColumn('range_policy', 'text', (c) => c.notNull().defaultTo('reject').check(sql`range_policy in ('reject', 'warn')`))
    .addColumn('zscore_threshold', 'double precision', (c) => c.notNull().defaultTo(4))
    .addColumn('max_batch_size', 'integer', (c) => c.notNull().check(sql`max_batch_size > 0`))
    .addColumn('cost_weight', 'double precision', (c) => c.notNull().defaultTo(1).check(sql`cost_weight > 0`))
    .addColumn('store_inputs', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Deleted models stay as rows so past predictions still name their model.
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await sql`create unique index models_name_version_key on models (name, version)`.execute(db);
  await sql`create index models_live_name_idx on models (name) where deleted_at is null`.execute(db);

  await db.schema
    .createTable('predictions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('model_id', 'uuid', (c) => c.notNull().references('models.id'))
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('outputs', 'jsonb', (c) => c.notNull())
    .addColumn('output_shape', 'jsonb', (c) => c.notNull())
    .addColumn('labels', 'jsonb')
    .addColumn('warnings', 'jsonb', (c) => c.notNull())
    .addColumn('cost', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addColumn('input_digest', 'text', (c) => c.notNull())
    .addColumn('inputs', 'jsonb')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index predictions_idempotency_key on predictions (user_id, idempotency_key) where idempotency_key is not null`.execute(db);
  await sql`create index predictions_user_created_idx on predictions (user_id, created_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('predictions').execute();
  await db.schema.dropTable('models').execute();
}
