import type { Executor } from '../../db/database.js';
import type { Keyset } from '../../lib/cursor.js';
import type { AuditEventRow, AuditOutcome } from './audit.table.js';

export interface AuditFilter {
  action?: string | null | undefined;
  outcome?: AuditOutcome | null | undefined;
  actorUserId?: string | null | undefined;
  since?: Date | null | undefined;
  until?: Date | null | undefined;
}

/** Newest first, keyset-paged on (at, id); one row more than asked tells whether a page follows. */
export function listAuditEvents(db: Executor, filter: AuditFilter, limit: number, after?: Keyset): Promise<AuditEventRow[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.until) query = query.where('at', '<', filter.until);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('at', '<', after.createdAt), eb.and([eb('at', '=', after.createdAt), eb('id', '<', after.id)])]),
    );
  }
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}
