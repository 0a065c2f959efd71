import type { Principal } from '../auth/principal.js';
import type { AuditEvent, AuditLog } from './audit.service.js';

interface RequestFacts {
  principal?: Principal | undefined;
  clientAddress?: string;
  requestId?: string;
  deps: { audit: AuditLog };
}

/** Records an event with the actor, key, address and request id taken from the request. */
export function audit(context: RequestFacts, event: Omit<AuditEvent, 'clientAddress' | 'requestId'>): void {
  context.deps.audit.record({
    actorUserId: context.principal?.userId,
    actorKeyId: context.principal?.keyId,
    clientAddress: context.clientAddress,
    requestId: context.requestId,
    ...event,
  });
}
