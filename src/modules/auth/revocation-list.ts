import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import type { Redis } from '../../db/redis.js';
import type { Logger } from '../../logger.js';
import { findSessionsRevokedSince } from './session.repository.js';

export const REVOCATION_CHANNEL = 'modelgate:session-revocations';

export interface RevocationListOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  redis?: Redis | undefined;
  /** How long a revocation matters: the longest an access token lives, plus skew. */
  retentionMs: number;
  /** The database is re-read at most this often, a safety net under pub/sub. @default 5000 */
  resyncMs?: number;
}

/**
 * The revoked session ids whose access tokens may still be unexpired, held in memory so every
 * request checks its `sid` in O(1). This instance's revocations land at once; other instances'
 * arrive over Redis pub/sub, and a periodic re-read of the database covers lost messages.
 */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private syncedAt = -Infinity;
  private syncing: Promise<void> | undefined;
  private initial: Promise<void> | undefined;
  private initialDone = false;
  private subscriber: Redis | undefined;
  private readonly resyncMs: number;

  constructor(private readonly options: RevocationListOptions) {
    this.resyncMs = options.resyncMs ?? 5_000;
    if (options.redis) this.subscribe(options.redis);
  }

  /** Resolves once the list has been read from the database (the first call reads it). */
  ready(): Promise<void> {
    this.initial ??= this.sync().then(
      () => {
        this.initialDone = true;
      },
      (error: unknown) => {
        this.initial = undefined;
        throw error;
      },
    );
    return this.initial;
  }

  /** True once `ready()` has resolved: the request path then skips awaiting it. */
  get loaded(): boolean {
    return this.initialDone;
  }

  isRevoked(sessionId: string): boolean {
    if (this.options.clock.now() - this.syncedAt > this.resyncMs) {
      this.sync().catch((error: unknown) => this.options.logger.warn({ err: error }, 'revocation list could not be re-read'));
    }
    return this.revoked.has(sessionId);
  }

  /** Records revocations made here, and tells the other instances. */
  add(sessionIds: readonly string[], atMs: number): void {
    if (sessionIds.length === 0) return;
    for (const id of sessionIds) this.revoked.set(id, atMs);
    const redis = this.options.redis;
    if (redis) {
      redis
        .publish(REVOCATION_CHANNEL, JSON.stringify({ ids: sessionIds, at: atMs }))
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'revocation not published; other instances learn within seconds'));
    }
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private sync(): Promise<void> {
    this.syncing ??= (async () => {
      const now = this.options.clock.now();
      const rows = await findSessionsRevokedSince(this.options.db, new Date(now - this.options.retentionMs));
      for (const row of rows) this.revoked.set(row.id, row.revoked_at?.getTime() ?? now);
      for (const [id, at] of this.revoked) if (at < now - this.options.retentionMs) this.revoked.delete(id);
      this.syncedAt = now;
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private subscribe(redis: Redis): void {
    // A connection in subscriber mode can run no other command, hence its own. It subscribes on
    // every (re)connect, so a Redis that was down at start is picked up when it comes back.
    const subscriber = redis.duplicate({ enableOfflineQueue: false, lazyConnect: false, commandTimeout: undefined });
    this.subscriber = subscriber;
    subscriber.on('error', () => {
      // Logged by the main client's handler; here it must only not crash the process.
    });
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const { ids, at } = JSON.parse(message) as { ids: unknown; at: unknown };
        if (!Array.isArray(ids)) return;
        const when = typeof at === 'number' ? at : this.options.clock.now();
        for (const id of ids) if (typeof id === 'string') this.revoked.set(id, when);
      } catch {
        // A malformed message is ignored; the database re-read is the source of truth.
      }
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(REVOCATION_CHANNEL).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'could not subscribe to revocations');
      });
      // Messages sent while disconnected are lost: re-read the database after every (re)connect.
      this.sync().catch(() => undefined);
    });
  }
}
