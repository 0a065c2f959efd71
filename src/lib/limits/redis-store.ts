import type { Redis } from 'ioredis';
import type { Clock } from '../../clock.js';
import { gcraStep, stateAt } from './gcra.js';
import { mergeCharges, type Charge, type ConsumeResult, type LimitStore } from './limit-store.js';

// KEYS: the keys; ARGV: now, then amount, limit, window, refund per key. A refund held back
// since the last call on the key is applied first (and kept even when the charge is refused).
// All-or-nothing: every key is checked before any is written. Returns 1|0 and each key's TAT
// after the refund, before the charge ('' if none), so the caller derives the states with the
// same arithmetic as the in-process store. Numbers travel as %.17g strings: Lua's tostring
// would round them to 14 digits.
const CONSUME = `
local now = tonumber(ARGV[1])
local ok = 1
local before, after = {}, {}
for i = 1, #KEYS do
  local amount = tonumber(ARGV[i * 4 - 2])
  local limit = tonumber(ARGV[i * 4 - 1])
  local window = tonumber(ARGV[i * 4])
  local refund = tonumber(ARGV[i * 4 + 1])
  local interval = window / limit
  local stored = tonumber(redis.call('GET', KEYS[i]))
  if stored and refund > 0 then
    stored = math.max(now, stored - refund * interval)
    if stored <= now then
      redis.call('DEL', KEYS[i])
      stored = nil
    else
      redis.call('SET', KEYS[i], string.format('%.17g', stored), 'PX', math.ceil(stored - now))
    end
  end
  before[i] = stored and string.format('%.17g', stored) or ''
  local tat = stored or now
  if tat < now then tat = now end
  local nextTat = tat + amount * interval
  if nextTat - now > window + 0.001 then ok = 0 end
  after[i] = nextTat
end
if ok == 1 then
  for i = 1, #KEYS do
    local ttl = math.ceil(after[i] - now)
    if tonumber(ARGV[i * 4 - 2]) > 0 and ttl > 0 then
      redis.call('SET', KEYS[i], string.format('%.17g', after[i]), 'PX', ttl)
    end
  end
end
local reply = { ok }
for i = 1, #KEYS do reply[i + 1] = before[i] end
return reply
`;

// KEYS: the keys; ARGV: now, then amount, limit, window per key.
const REFUND = `
local now = tonumber(ARGV[1])
for i = 1, #KEYS do
  local stored = tonumber(redis.call('GET', KEYS[i]))
  if stored then
    local amount = tonumber(ARGV[i * 3 - 1])
    local window = tonumber(ARGV[i * 3 + 1])
    local nextTat = stored - amount * (window / tonumber(ARGV[i * 3]))
    if nextTat <= now then
      redis.call('DEL', KEYS[i])
    else
      redis.call('SET', KEYS[i], string.format('%.17g', nextTat), 'PX', math.ceil(nextTat - now))
    end
  end
end
return 1
`;

interface LimitCommands {
  modelgateLimitConsume(numberOfKeys: number, ...args: (string | number)[]): Promise<[number, ...string[]]>;
  modelgateLimitRefund(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
}

export interface RedisStoreOptions {
  redis: Redis;
  clock: Clock;
  /** Prefix of every key, so limits never collide with other data. @default 'mg:limit:' */
  prefix?: string;
  /**
   * Refunds wait this long for the next charge on their key to ride along with (one round trip
   * instead of two per request on a busy key), then go on their own. @default 20
   */
  refundDelayMs?: number;
}

/**
 * The shared store: the same GCRA as the in-process one, run inside Redis by a Lua script, so
 * every instance counts against one number per key and a burst cannot overshoot. Time comes from
 * the app's clock (instances' clocks are assumed NTP-close), which keeps both stores testable
 * with one ManualClock. Errors (Redis down, command timeout) propagate: the fallback store decides.
 */
export class RedisLimitStore implements LimitStore {
  readonly #redis: Redis & LimitCommands;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #refundDelayMs: number;
  readonly #pendingRefunds = new Map<string, Charge>();
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(options: RedisStoreOptions) {
    const redis = options.redis as Redis & Partial<LimitCommands>;
    // defineCommand sends EVALSHA and loads the script on NOSCRIPT.
    if (!redis.modelgateLimitConsume) redis.defineCommand('modelgateLimitConsume', { lua: CONSUME });
    if (!redis.modelgateLimitRefund) redis.defineCommand('modelgateLimitRefund', { lua: REFUND });
    this.#redis = redis as Redis & LimitCommands;
    this.#clock = options.clock;
    this.#prefix = options.prefix ?? 'mg:limit:';
    this.#refundDelayMs = options.refundDelayMs ?? 20;
  }

  async consume(charges: readonly Charge[]): Promise<ConsumeResult> {
    const merged = mergeCharges(charges);
    const refunds = merged.map((charge) => {
      const pending = this.#pendingRefunds.get(charge.key);
      this.#pendingRefunds.delete(charge.key);
      return pending?.amount ?? 0;
    });
    const now = this.#clock.now();
    const [ok, ...before] = await this.#redis.modelgateLimitConsume(merged.length, ...this.#args(merged, now, refunds));
    const states = merged.map((charge, i) => {
      const stored = before[i] ? Number(before[i]) : undefined;
      const { state } = gcraStep(charge, stored, now);
      return ok === 1 ? state : stateAt(charge, stored ?? now, now, state.allowed, state.retryAfterMs);
    });
    return { allowed: ok === 1, states };
  }

  /** Held back briefly to ride along with the next charge on the key (see `refundDelayMs`). */
  refund(charges: readonly Charge[]): Promise<void> {
    for (const charge of mergeCharges(charges)) {
      if (charge.amount <= 0) continue;
      const pending = this.#pendingRefunds.get(charge.key);
      this.#pendingRefunds.set(charge.key, pending ? { ...pending, amount: pending.amount + charge.amount } : charge);
    }
    if (this.#pendingRefunds.size > 0 && !this.#flushTimer) {
      this.#flushTimer = setTimeout(() => void this.flushRefunds().catch(() => undefined), this.#refundDelayMs);
      this.#flushTimer.unref();
    }
    return Promise.resolve();
  }

  /** Sends every held-back refund now. A lost refund only leaves a limit stricter for a while. */
  async flushRefunds(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const charges = [...this.#pendingRefunds.values()];
    this.#pendingRefunds.clear();
    if (charges.length === 0) return;
    await this.#redis.modelgateLimitRefund(charges.length, ...this.#refundArgs(charges, this.#clock.now()));
  }

  #args(charges: readonly Charge[], now: number, refunds: readonly number[]): (string | number)[] {
    const keys = charges.map((charge) => this.#prefix + charge.key);
    const numbers = charges.flatMap((charge, i) => [charge.amount, charge.limit, charge.windowMs, refunds[i] ?? 0]);
    return [...keys, now, ...numbers];
  }

  #refundArgs(charges: readonly Charge[], now: number): (string | number)[] {
    const keys = charges.map((charge) => this.#prefix + charge.key);
    const numbers = charges.flatMap((charge) => [charge.amount, charge.limit, charge.windowMs]);
    return [...keys, now, ...numbers];
  }
}
