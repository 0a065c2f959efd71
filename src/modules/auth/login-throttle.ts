/**
 * Brute-force protection for password checks: attempts are counted per key (an account, a
 * client address) in a one-hour window; past a free allowance each attempt locks the key for a
 * doubling time, never longer than `maxLockSeconds`.
 */

export interface AttemptPolicy {
  /** Attempts allowed before any back-off. */
  readonly free: number;
  /** Attempts per hour at which the key locks for the rest of the hour (capped by maxLockSeconds). */
  readonly maxPerHour: number;
  readonly maxLockSeconds: number;
}

export interface ThrottleKey {
  readonly key: string;
  readonly policy: AttemptPolicy;
}

export type AttemptOutcome = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface LoginThrottle {
  /**
   * Counts one attempt against every key, atomically, unless one of them is locked: then nothing
   * is counted and the wait is returned. Counting before the password check means a burst of
   * parallel guesses meets the lock too.
   */
  attempt(keys: readonly ThrottleKey[], nowMs: number): Promise<AttemptOutcome>;
  /** After a success: `reset` keys start over, `refund` keys get this attempt back. */
  succeeded(reset: readonly string[], refund: readonly string[]): Promise<void>;
}

export const WINDOW_MS = 60 * 60 * 1000;

/** Accounts: a few free tries, at most 100 per hour, never locked over 15 minutes. */
export const ACCOUNT_POLICY: AttemptPolicy = Object.freeze({ free: 5, maxPerHour: 100, maxLockSeconds: 15 * 60 });
/** Client addresses (offices share one): more room, the same ceiling on a lock. */
export const ADDRESS_POLICY: AttemptPolicy = Object.freeze({ free: 50, maxPerHour: 1000, maxLockSeconds: 15 * 60 });

export interface AttemptState {
  count: number;
  windowStartMs: number;
  lockedUntilMs: number;
}

/** How long one more attempt locks the key (ms), given the count including it. Shared with the Lua script. */
export function lockAfter(count: number, policy: AttemptPolicy, windowEndMs: number, nowMs: number): number {
  const cap = policy.maxLockSeconds * 1000;
  if (count >= policy.maxPerHour) return Math.min(Math.max(windowEndMs - nowMs, 0), cap);
  if (count <= policy.free) return 0;
  return Math.min(2 ** (count - policy.free - 1) * 1000, cap);
}

/** One instance's counters; exact for a single instance, and the fallback when Redis fails. */
export function createMemoryLoginThrottle(maxKeys = 100_000): LoginThrottle {
  const states = new Map<string, AttemptState>();

  const live = (key: string, nowMs: number): AttemptState | undefined => {
    const state = states.get(key);
    if (state && nowMs >= state.windowStartMs + WINDOW_MS && nowMs >= state.lockedUntilMs) {
      states.delete(key);
      return undefined;
    }
    return state;
  };

  return {
    async attempt(keys, nowMs) {
      let wait = 0;
      for (const { key } of keys) {
        const state = live(key, nowMs);
        if (state && state.lockedUntilMs > nowMs) wait = Math.max(wait, state.lockedUntilMs - nowMs);
      }
      if (wait > 0) return { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) };
      for (const { key, policy } of keys) {
        const state = live(key, nowMs) ?? { count: 0, windowStartMs: nowMs, lockedUntilMs: 0 };
        state.count += 1;
        const lock = lockAfter(state.count, policy, state.windowStartMs + WINDOW_MS, nowMs);
        if (lock > 0) state.lockedUntilMs = nowMs + lock;
        if (!states.has(key) && states.size >= maxKeys) {
          const oldest = states.keys().next();
          if (!oldest.done) states.delete(oldest.value);
        }
        states.set(key, state);
      }
      return { allowed: true };
    },
    async succeeded(reset, refund) {
      for (const key of reset) states.delete(key);
      for (const key of refund) {
        const state = states.get(key);
        if (state && state.count > 0) state.count -= 1;
      }
    },
  };
}
