import type { Redis } from 'ioredis';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { Charge, ConsumeResult, LimitStore } from './limit-store.js';
import { MemoryLimitStore } from './memory-store.js';
import { RedisLimitStore } from './redis-store.js';

export interface FallbackStoreOptions {
  redis: Redis;
  clock: Clock;
  logger: Logger;
  /** After a Redis failure, go straight to the in-process store for this long. @default 1000 */
  cooldownMs?: number;
  /** Passed to the in-process store. */
  maxKeys?: number;
}

/**
 * Redis while it answers, the in-process store the moment it does not: a disconnected client
 * fails at once (no offline queue), a black-holed one after its command timeout, and then the
 * store skips Redis for `cooldownMs` so later requests are not held up by the same timeout.
 * Limits are per instance meanwhile; shared counting resumes when Redis is back.
 */
export class FallbackLimitStore implements LimitStore {
  readonly #redis: Redis;
  readonly #shared: RedisLimitStore;
  readonly #local: MemoryLimitStore;
  readonly #logger: Logger;
  readonly #cooldownMs: number;
  // Wall time on purpose: a cooldown is about real latency, not a limit's window.
  #skipUntil = 0;
  #failing = false;

  constructor(options: FallbackStoreOptions) {
    this.#redis = options.redis;
    this.#shared = new RedisLimitStore({ redis: options.redis, clock: options.clock });
    this.#local = new MemoryLimitStore({ clock: options.clock, ...(options.maxKeys ? { maxKeys: options.maxKeys } : {}) });
    this.#logger = options.logger;
    this.#cooldownMs = options.cooldownMs ?? 1000;
  }

  /** True while limits are counted per instance because Redis does not answer. */
  get degraded(): boolean {
    return this.#failing || this.#redis.status !== 'ready';
  }

  async consume(charges: readonly Charge[]): Promise<ConsumeResult> {
    if (this.#usable()) {
      try {
        const result = await this.#shared.consume(charges);
        this.#recovered();
        return result;
      } catch (error) {
        this.#failed(error);
      }
    }
    const local = charges.map((charge) => (charge.fallbackLimit ? { ...charge, limit: charge.fallbackLimit } : charge));
    return { ...this.#local.consumeNow(local), store: this.#local };
  }

  async refund(charges: readonly Charge[]): Promise<void> {
    if (!this.#usable()) return;
    try {
      await this.#shared.refund(charges);
    } catch (error) {
      // A lost refund only makes the budget stricter for a while.
      this.#failed(error);
    }
  }

  #usable(): boolean {
    return this.#redis.status === 'ready' && performance.now() >= this.#skipUntil;
  }

  #failed(error: unknown): void {
    this.#skipUntil = performance.now() + this.#cooldownMs;
    if (!this.#failing) this.#logger.warn({ err: error }, 'limits: redis failed; counting per instance');
    this.#failing = true;
  }

  #recovered(): void {
    if (this.#failing) this.#logger.info('limits: redis answers again; counting shared');
    this.#failing = false;
  }
}

export interface LimitStoreDeps {
  readonly redis?: Redis | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The store the app counts with: Redis with an in-process fallback when Redis is configured. */
export function createLimitStore(deps: LimitStoreDeps): LimitStore & { readonly degraded: boolean } {
  if (deps.redis) return new FallbackLimitStore({ redis: deps.redis, clock: deps.clock, logger: deps.logger });
  return new MemoryLimitStore({ clock: deps.clock });
}
