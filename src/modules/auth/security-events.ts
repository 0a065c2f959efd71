import type { AppDeps } from '../../context.js';
import type { Logger } from '../../logger.js';

export type SecurityEventName = 'refresh_reuse_detected' | 'login_throttled' | 'password_changed' | 'password_reset';

export interface SecurityEvent {
  readonly event: SecurityEventName;
  readonly userId?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly clientAddress?: string | undefined;
}

/**
 * Records a security-relevant outcome. For now a warning line in the request's log; the audit
 * module (issue 4) redirects this one function to its table.
 */
export async function recordSecurityEvent(ctx: { deps: AppDeps; log: Logger }, event: SecurityEvent): Promise<void> {
  ctx.log.warn({ ...event }, `security event: ${event.event}`);
}
