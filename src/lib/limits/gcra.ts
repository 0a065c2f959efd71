import type { Charge, LimitState } from './limit-store.js';

// Float slack: limit 3 over 1000 ms spends 333.33 ms a unit, and three of them must still fit.
const EPSILON_MS = 0.001;

/** Ms one unit takes to flow back. */
export const emissionInterval = (charge: Pick<Charge, 'limit' | 'windowMs'>) => charge.windowMs / charge.limit;

/**
 * The GCRA step: given the stored theoretical arrival time (`tat`, epoch ms; absent for a fresh
 * key) and now, where `charge` would leave the key. The stores persist `nextTat` when allowed.
 */
export function gcraStep(charge: Charge, storedTat: number | undefined, now: number): { state: LimitState; nextTat: number } {
  const interval = emissionInterval(charge);
  const tat = Math.max(storedTat ?? now, now);
  const nextTat = tat + charge.amount * interval;
  const allowed = nextTat - now <= charge.windowMs + EPSILON_MS;
  const after = allowed ? nextTat : tat;
  // A charge larger than the whole limit never fits: tell the caller when the bucket is full.
  const retryAfterMs = allowed ? 0 : charge.amount > charge.limit ? tat - now : nextTat - charge.windowMs - now;
  return { state: stateAt(charge, after, now, allowed, Math.max(0, retryAfterMs)), nextTat };
}

/** The state of a key whose theoretical arrival time is `tat`. */
export function stateAt(charge: Charge, tat: number, now: number, allowed = true, retryAfterMs = 0): LimitState {
  const interval = emissionInterval(charge);
  const level = Math.max(0, tat - now);
  // max(0, …): ceil of a tiny negative is -0.
  const used = Math.min(charge.limit, Math.max(0, Math.ceil(level / interval - EPSILON_MS / interval)));
  return {
    key: charge.key,
    allowed,
    limit: charge.limit,
    used,
    remaining: charge.limit - used,
    resetAt: Math.max(now, tat),
    retryAfterMs,
  };
}

/** Where a refund leaves the key: earlier by `amount` units, never before now. */
export function refundTat(charge: Charge, storedTat: number, now: number): number {
  return Math.max(now, storedTat - charge.amount * emissionInterval(charge));
}
