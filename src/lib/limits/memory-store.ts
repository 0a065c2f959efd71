import type { Clock } from '../../clock.js';
import { gcraStep, refundTat, stateAt } from './gcra.js';
import { mergeCharges, type Charge, type ConsumeResult, type LimitStore } from './limit-store.js';

export interface MemoryStoreOptions {
  clock: Clock;
  /**
   * Keys kept at most. Over it, expired keys go first, then the least recently charged ones
   * (which forgets their counts: a bound on memory matters more than exactness under a flood of
   * distinct keys). @default 100000
   */
  maxKeys?: number;
}

/**
 * The in-process store: one number per key in a Map. Node runs each call to completion, so a
 * consume is atomic without locks. Per instance only; Redis shares counts between instances.
 */
export class MemoryLimitStore implements LimitStore {
  readonly #clock: Clock;
  readonly #maxKeys: number;
  // Insertion order doubles as recency: every write re-inserts its key at the end.
  readonly #tats = new Map<string, number>();

  constructor(options: MemoryStoreOptions) {
    this.#clock = options.clock;
    this.#maxKeys = options.maxKeys ?? 100_000;
    if (!(this.#maxKeys > 0)) throw new TypeError('maxKeys must be positive');
  }

  /** Never: this store has nothing to lose. */
  get degraded(): boolean {
    return false;
  }

  /** Keys held now (for tests and metrics). */
  get size(): number {
    return this.#tats.size;
  }

  consume(charges: readonly Charge[]): Promise<ConsumeResult> {
    return Promise.resolve(this.consumeNow(charges));
  }

  /** The synchronous core of `consume`, for callers that cannot wait (the fallback path). */
  consumeNow(charges: readonly Charge[]): ConsumeResult {
    const now = this.#clock.now();
    const steps = mergeCharges(charges).map((charge) => ({ charge, ...gcraStep(charge, this.#tats.get(charge.key), now) }));
    const allowed = steps.every((step) => step.state.allowed);
    if (!allowed) {
      // Nothing is taken: report where each key stands now, and which charge did not fit.
      const states = steps.map(({ charge, state }) =>
        stateAt(charge, this.#tats.get(charge.key) ?? now, now, state.allowed, state.retryAfterMs),
      );
      return { allowed, states };
    }
    for (const step of steps) if (step.charge.amount > 0) this.#write(step.charge.key, step.nextTat, now);
    return { allowed, states: steps.map((step) => step.state) };
  }

  refund(charges: readonly Charge[]): Promise<void> {
    const now = this.#clock.now();
    for (const charge of mergeCharges(charges)) {
      const tat = this.#tats.get(charge.key);
      if (tat === undefined || charge.amount <= 0) continue;
      const next = refundTat(charge, tat, now);
      if (next <= now) this.#tats.delete(charge.key);
      else this.#tats.set(charge.key, next);
    }
    return Promise.resolve();
  }

  #write(key: string, tat: number, now: number): void {
    this.#tats.delete(key);
    this.#tats.set(key, tat);
    if (this.#tats.size > this.#maxKeys) this.#evict(now);
  }

  #evict(now: number): void {
    // One pass drops every expired key; it runs only when the map is full, so amortized O(1).
    for (const [key, tat] of this.#tats) if (tat <= now) this.#tats.delete(key);
    // Still full of live keys: drop the least recently charged tenth, not one per write.
    if (this.#tats.size > this.#maxKeys) {
      let excess = this.#tats.size - Math.floor(this.#maxKeys * 0.9);
      for (const key of this.#tats.keys()) {
        if (excess-- <= 0) break;
        this.#tats.delete(key);
      }
    }
  }
}
