import type { AppDeps } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { AuditOutcome } from '../audit/audit.table.js';

export type SecurityEventName =
  | 'login_succeeded'
  | 'login_failed'
  | 'login_throttled'
  | 'refresh_reuse_detected'
  | 'password_changed'
  | 'password_reset'
  | 'oidc_sign_in_succeeded'
  | 'oidc_sign_in_failed';

const OUTCOME: Readonly<Record<SecurityEventName, AuditOutcome>> = {
  login_succeeded: 'SUCCESS',
  login_failed: 'FAILURE',
  login_throttled: 'DENIED',
  refresh_reuse_detected: 'DENIED',
  password_changed: 'SUCCESS',
  password_reset: 'SUCCESS',
  oidc_sign_in_succeeded: 'SUCCESS',
  oidc_sign_in_failed: 'FAILURE',
};

export interface SecurityEvent {
  readonly event: SecurityEventName;
  readonly userId?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly clientAddress?: string | undefined;
  /** The account a sign-in named; masked like every audited string. */
  readonly email?: string | undefined;
  /** Extra facts for the trail (a provider name, a failure reason); never secrets. */
  readonly details?: Record<string, unknown> | undefined;
}

/** Records a security-relevant outcome in the audit trail (table and `audit` log stream). */
export async function recordSecurityEvent(
  ctx: { deps: AppDeps; log: Logger; clientAddress?: string; requestId?: string },
  event: SecurityEvent,
): Promise<void> {
  ctx.deps.audit.record({
    action: `auth.${event.event}`,
    outcome: OUTCOME[event.event],
    actorUserId: event.userId,
    target: event.email ?? event.userId ?? null,
    clientAddress: event.clientAddress ?? ctx.clientAddress,
    requestId: ctx.requestId,
    details:
      event.sessionId || event.details
        ? { ...event.details, ...(event.sessionId ? { session: event.sessionId } : {}) }
        : undefined,
  });
}
