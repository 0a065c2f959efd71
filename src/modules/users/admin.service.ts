import type { Db } from '../../db/database.js';
import { badUserInput, notFound } from '../../errors.js';
import type { Keyset } from '../../lib/cursor.js';
import { isUuid } from './user.repository.js';
import type { Role, Tier, UserRow } from './user.table.js';

export interface AdminServiceDeps {
  db: Db;
  /** Called after a user's role changed or the user was disabled: end sessions, drop cached keys. */
  onUserAccessChanged: (userId: string, reason: 'role_changed' | 'disabled') => Promise<void>;
  /** Called after a change that cached key verifications carry (the tier). */
  onUserChanged: (userId: string) => void;
}

/** Oldest first, keyset-paged on (created_at, id). One row more than asked tells whether a page follows. */
export function listUsers(db: Db, limit: number, after?: Keyset): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '>', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit + 1).execute();
}

/**
 * Changes a user's role or disables them, refusing to leave the system without an enabled
 * admin. The admin rows are locked first, so two admins demoting each other at once cannot
 * both succeed.
 */
async function changeAccess(
  deps: AdminServiceDeps,
  userId: string,
  change: { role: Role } | { disabled: true },
): Promise<{ user: UserRow; changed: boolean }> {
  if (!isUuid(userId)) throw notFound('No such user.');
  return deps.db.transaction().execute(async (tx) => {
    const admins = await tx
      .selectFrom('users')
      .select(['id'])
      .where('role', '=', 'ADMIN')
      .where('disabled', '=', false)
      .orderBy('id')
      .forUpdate()
      .execute();
    const user = await tx.selectFrom('users').selectAll().where('id', '=', userId).forUpdate().executeTakeFirst();
    if (!user) throw notFound('No such user.');
    const losesAdmin =
      user.role === 'ADMIN' && !user.disabled && ('disabled' in change || change.role !== 'ADMIN');
    if (losesAdmin && admins.length <= 1) {
      throw badUserInput('The last enabled admin cannot be demoted or disabled.');
    }
    const changed = 'role' in change ? user.role !== change.role : !user.disabled;
    if (!changed) return { user, changed };
    const updated = await tx
      .updateTable('users')
      .set({ ...change, updated_at: new Date() })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { user: updated, changed };
  });
}

export async function setUserRole(deps: AdminServiceDeps, userId: string, role: Role): Promise<UserRow> {
  const { user, changed } = await changeAccess(deps, userId, { role });
  if (changed) await deps.onUserAccessChanged(user.id, 'role_changed');
  return user;
}

export async function disableUser(deps: AdminServiceDeps, userId: string): Promise<UserRow> {
  const { user, changed } = await changeAccess(deps, userId, { disabled: true });
  if (changed) await deps.onUserAccessChanged(user.id, 'disabled');
  return user;
}

export async function setUserTier(deps: AdminServiceDeps, userId: string, tier: Tier): Promise<UserRow> {
  if (!isUuid(userId)) throw notFound('No such user.');
  const user = await deps.db
    .updateTable('users')
    .set({ tier, updated_at: new Date() })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (!user) throw notFound('No such user.');
  deps.onUserChanged(user.id);
  return user;
}
