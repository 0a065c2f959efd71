import type { Generated } from 'kysely';

export interface OutboxTable {
  id: Generated<string>;
  recipient: string;
  subject: string;
  body: string;
  created_at: Date;
}
