import type { ColumnType, Generated, Selectable } from 'kysely';

export type AuditOutcome = 'SUCCESS' | 'FAILURE' | 'DENIED';

export interface AuditEventTable {
  id: Generated<string>;
  at: ColumnType<Date, Date, never>;
  action: string;
  outcome: AuditOutcome;
  actor_user_id: string | null;
  actor_key_id: string | null;
  target: string | null;
  client_address: string | null;
  request_id: string | null;
  /** JSON text, already masked. */
  details: string | null;
}

export type AuditEventRow = Selectable<AuditEventTable>;
