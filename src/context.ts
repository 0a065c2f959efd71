import type { IncomingMessage } from 'node:http';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/connect.js';
import type { Redis } from './db/redis.js';
import type { InvalidationBus } from './lib/invalidation-bus.js';
import type { LimitStore } from './lib/limits/limit-store.js';
import type { Logger } from './logger.js';
import type { ApiKeyService } from './modules/api-keys/api-key.service.js';
import type { AuditLog } from './modules/audit/audit.service.js';
import type { UserCache } from './modules/users/user-cache.js';
import type { PasswordHasher } from './modules/auth/password.js';
import type { Principal } from './modules/auth/principal.js';
import type { ModelRuntime } from './modules/models/model-runtime.js';

/** Long-lived parts the app is built from; tests pass their own (an in-memory database, a manual clock). */
export interface AppDeps {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly passwords: PasswordHasher;
  /** Present when REDIS_URL is set: shared limits and revocation across instances. */
  readonly redis?: Redis | undefined;
  /** Drops cached decisions on every instance (revoked keys and sessions, changed users). */
  readonly bus: InvalidationBus;
  readonly apiKeys: ApiKeyService;
  readonly audit: AuditLog;
  readonly users: UserCache;
  /** Model artifacts and the inference pool; made on first use from `config` when absent (tests). */
  readonly models?: ModelRuntime | undefined;
}

/** What the HTTP server hands yoga beside the request. */
export interface ServerContext {
  /** The node request, when served over a socket by `server.ts`. */
  req?: IncomingMessage;
  /** The TCP peer's address when there is no socket (tests calling `app.fetch`). */
  remoteAddress?: string | undefined;
}

/** The GraphQL context every resolver sees. */
export interface AppContext extends ServerContext {
  readonly deps: AppDeps;
  readonly requestId: string;
  /** A logger whose every line carries this request's id. */
  readonly log: Logger;
  /** The caller's address, from the socket or trusted proxy headers only. */
  readonly clientAddress: string;
  /** The counters every limit uses (rate limits, cost budgets, login limiters): Redis-backed when configured. */
  readonly limits: LimitStore;
  /** Set by authentication; absent for anonymous callers. */
  principal?: Principal | undefined;
  readonly request: Request;
}
