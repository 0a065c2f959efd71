import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { TOPICS, type InvalidationBus } from '../../lib/invalidation-bus.js';
import { findUserById } from './user.repository.js';
import type { UserRow } from './user.table.js';

export interface UserCacheOptions {
  db: Db;
  clock: Clock;
  bus: InvalidationBus;
  /** How long a row may be served from memory. Changes that matter invalidate it at once. @default 5000 */
  ttlMs?: number;
  /** @default 10_000 */
  maxEntries?: number;
}

export type UserCache = ReturnType<typeof createUserCache>;

/**
 * User rows by id, kept briefly in memory so `{ me { ... } }` costs no query per request.
 * Role, tier and disable changes publish on the invalidation bus and drop the row on every instance.
 */
export function createUserCache(options: UserCacheOptions) {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const rows = new Map<string, { row: UserRow; at: number }>();
  options.bus.subscribe((topic, id) => {
    if (topic === TOPICS.user) rows.delete(id);
  });
  return {
    /** The row if memory holds a fresh one; no promise, no query. */
    peek(id: string): UserRow | undefined {
      const hit = rows.get(id);
      return hit && options.clock.now() - hit.at < ttlMs ? hit.row : undefined;
    },

    async get(id: string): Promise<UserRow | undefined> {
      const now = options.clock.now();
      const hit = rows.get(id);
      if (hit && now - hit.at < ttlMs) return hit.row;
      const row = await findUserById(options.db, id);
      if (row) {
        if (rows.size >= maxEntries) rows.delete(rows.keys().next().value!);
        rows.set(id, { row, at: now });
      }
      return row;
    },
  };
}
