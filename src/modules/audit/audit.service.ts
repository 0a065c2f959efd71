import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import { redactDeep, scrubString, stripControl } from '../../redact.js';
import type { AuditEventTable, AuditOutcome } from './audit.table.js';
import type { Insertable } from 'kysely';

/** One security-relevant outcome. Every string in it is masked before it is logged or stored. */
export interface AuditEvent {
  action: string;
  outcome: AuditOutcome;
  actorUserId?: string | null | undefined;
  actorKeyId?: string | null | undefined;
  target?: string | null | undefined;
  clientAddress?: string | null | undefined;
  requestId?: string | null | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditLogDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  /** Rows written per batch, and how long a batch may wait. @default 100, 250 ms */
  batchSize?: number;
  flushIntervalMs?: number;
}

export type AuditLog = ReturnType<typeof createAuditLog>;

const clean = (value: string | null | undefined, max = 500): string | null =>
  value === null || value === undefined ? null : stripControl(scrubString(value)).slice(0, max);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (value: string | null | undefined) => (value && UUID.test(value) ? value : null);

/**
 * The audit trail: a pino `audit` line at once, and a row in `audit_events` written in small
 * batches off the request path (a slow insert never delays the answer).
 */
export function createAuditLog(deps: AuditLogDeps) {
  const log = deps.logger.child({ stream: 'audit' });
  const batchSize = deps.batchSize ?? 100;
  const pending: Array<Insertable<AuditEventTable>> = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = async (rows: Array<Insertable<AuditEventTable>>) => {
    try {
      await deps.db.insertInto('audit_events').values(rows).execute();
    } catch (error) {
      log.error({ err: error, lost: rows.length }, 'audit rows could not be stored');
    }
  };

  const flushNow = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return writing;
    const rows = pending.splice(0, pending.length);
    writing = writing.then(() => write(rows));
    return writing;
  };

  return {
    record(event: AuditEvent): void {
      const details = event.details ? JSON.stringify(redactDeep(event.details)) : null;
      const row: Insertable<AuditEventTable> = {
        at: new Date(deps.clock.now()),
        action: clean(event.action, 100)!,
        outcome: event.outcome,
        actor_user_id: uuidOrNull(event.actorUserId),
        actor_key_id: uuidOrNull(event.actorKeyId),
        target: clean(event.target),
        client_address: clean(event.clientAddress, 100),
        request_id: clean(event.requestId, 100),
        details: details === null ? null : stripControl(details).slice(0, 4000),
      };
      log.info(
        {
          action: row.action,
          outcome: row.outcome,
          actorUserId: row.actor_user_id,
          actorKeyId: row.actor_key_id,
          target: row.target,
          clientAddress: row.client_address,
          requestId: row.request_id,
          details: row.details,
        },
        'audit',
      );
      pending.push(row);
      if (pending.length >= batchSize) void flushNow();
      else timer ??= setTimeout(() => void flushNow(), deps.flushIntervalMs ?? 250);
    },
    /** Resolves when every recorded event is stored (tests, shutdown). */
    flush: (): Promise<void> => flushNow(),
  };
}
