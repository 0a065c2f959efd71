/**
 * The one interface every limit in modelgate counts through: `@rateLimit` windows, cost budgets,
 * and (from the auth branch) the login and password-reset limiters.
 *
 * Every store is a GCRA (generic cell rate algorithm) counter: one number per key, the
 * "theoretical arrival time", so a check costs O(1) time and memory whatever the limit.
 * `limit` units may be spent in a burst; they flow back evenly over `windowMs`.
 *
 * The app's store is `context.limits` (built by `createLimitStore` in app.ts: Redis with an
 * in-process fallback when REDIS_URL is set). A login limiter, for example:
 *
 *   const { allowed, states } = await context.limits.consume([
 *     { key: `login:addr:${context.clientAddress}`, amount: 1, limit: 20, windowMs: 900_000, fallbackLimit: 5 },
 *     { key: `login:account:${email}`, amount: 1, limit: 5, windowMs: 900_000, fallbackLimit: 2 },
 *   ]);
 *   if (!allowed) throw rateLimited('Too many attempts.', Math.max(...states.map((s) => s.retryAfterMs)) / 1000);
 */

/** One thing to count: `amount` units against `limit` per `windowMs` on `key`. */
export interface Charge {
  readonly key: string;
  /** Units to take; 0 only reads the state. */
  readonly amount: number;
  readonly limit: number;
  readonly windowMs: number;
  /**
   * The limit while Redis is down and each instance counts alone (N instances then allow up to
   * N x this). Login and reset limiters set a conservative one. @default limit
   */
  readonly fallbackLimit?: number;
}

/** Where a key stands after a charge (or a refused charge). */
export interface LimitState {
  readonly key: string;
  /** Whether this charge fits. */
  readonly allowed: boolean;
  readonly limit: number;
  /** Units spent and not yet flowed back; `used + remaining = limit`. */
  readonly used: number;
  readonly remaining: number;
  /** Epoch ms at which the whole limit is available again. */
  readonly resetAt: number;
  /** Ms until this charge would fit (0 when allowed). */
  readonly retryAfterMs: number;
}

export interface ConsumeResult {
  /** True when every charge fitted and all were taken; false when none was taken. */
  readonly allowed: boolean;
  /** One state per distinct key, in the order the keys first appear. */
  readonly states: readonly LimitState[];
  /** The store that took the charges, when it is not the one called (the fallback): refund there. */
  readonly store?: LimitStore;
}

export interface LimitStore {
  /**
   * Takes every charge or none, atomically (no other consume interleaves). Charges on the same
   * key are added together first.
   */
  consume(charges: readonly Charge[]): Promise<ConsumeResult>;
  /** Gives units back (the unused part of a reservation); never below an empty bucket. */
  refund(charges: readonly Charge[]): Promise<void>;
}

/** Adds up charges on the same key; the first charge's limit and window win. */
export function mergeCharges(charges: readonly Charge[]): Charge[] {
  const byKey = new Map<string, Charge>();
  for (const charge of charges) {
    const seen = byKey.get(charge.key);
    byKey.set(charge.key, seen ? { ...seen, amount: seen.amount + charge.amount } : charge);
  }
  return [...byKey.values()];
}
