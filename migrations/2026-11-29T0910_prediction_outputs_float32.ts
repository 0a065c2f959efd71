import { sql, type Kysely } from 'kysely';

// Frozen once landed: Kysely<any>, no imports from the app.
//
// A prediction's outputs as little-endian float32 bytes instead of a jsonb array: the model
// computes in float32, so the bytes are exact, 4 bytes a value rather than a parsed number
// each. Writing 10 000 rows × 3 outputs as jsonb took longer than everything else predict
// does. Rows written before keep their jsonb `outputs`; every row has one or the other.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('predictions').addColumn('outputs_f32', 'bytea').execute();
  // Float noise does not compress: skip the attempt (storage `external`: out of line, uncompressed).
  await sql`alter table predictions alter column outputs_f32 set storage external`.execute(db);
  await db.schema
    .alterTable('predictions')
    .alterColumn('outputs', (c) => c.dropNotNull())
    .execute();
  await sql`alter table predictions add constraint predictions_outputs_present check (outputs is not null or outputs_f32 is not null)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table predictions drop constraint predictions_outputs_present`.execute(db);
  // Rows stored as float32 have no jsonb to fall back to: they cannot survive the way down.
  await db.deleteFrom('predictions').where('outputs', 'is', null).execute();
  await db.schema
    .alterTable('predictions')
    .alterColumn('outputs', (c) => c.setNotNull())
    .execute();
  await db.schema.alterTable('predictions').dropColumn('outputs_f32').execute();
}
