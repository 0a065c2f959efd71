import type { Executor } from '../../db/database.js';
import { isUuid } from '../../lib/uuid.js';
import type { ModelRow, NewModel } from './model.table.js';

/** A live (not deleted) model by id. */
export function findLiveModelById(db: Executor, id: string): Promise<ModelRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('models').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

/** Any model by id, deleted ones too (a past prediction still names its model). */
export function findModelById(db: Executor, id: string): Promise<ModelRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findModelsByIds(db: Executor, ids: readonly string[]): Promise<ModelRow[]> {
  const valid = ids.filter(isUuid);
  if (!valid.length) return Promise.resolve([]);
  return db.selectFrom('models').selectAll().where('id', 'in', valid).execute();
}

/** The newest live version of a name. */
export function findLiveModelByName(db: Executor, name: string): Promise<ModelRow | undefined> {
  return db
    .selectFrom('models')
    .selectAll()
    .where('name', '=', name)
    .where('deleted_at', 'is', null)
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

export function listLiveModels(db: Executor): Promise<ModelRow[]> {
  return db.selectFrom('models').selectAll().where('deleted_at', 'is', null).orderBy('name').orderBy('version', 'desc').execute();
}

export async function nextModelVersion(db: Executor, name: string): Promise<number> {
  const row = await db
    .selectFrom('models')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(row?.version ?? 0) + 1;
}

export function insertModel(db: Executor, model: NewModel): Promise<ModelRow> {
  return db.insertInto('models').values(model).returningAll().executeTakeFirstOrThrow();
}

export function markModelDeleted(db: Executor, id: string, at: Date): Promise<ModelRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return db
    .updateTable('models')
    .set({ deleted_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** How many live models still use an artifact (it is removed from disk at zero). */
export async function countLiveModelsWithDigest(db: Executor, sha256: string): Promise<number> {
  const row = await db
    .selectFrom('models')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('sha256', '=', sha256)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
