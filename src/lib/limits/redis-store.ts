import type { Redis } from 'ioredis';
import type { Clock } from '../../clock.js';
import { gcraStep, stateAt } from './gcra.js';
import { mergeCharges, type Charge, type ConsumeResult, type LimitStore } from './limit-store.js';

// KEYS: the keys; ARGV: now, then amount, limit, window per key. All-or-nothing: every key is
// checked before any is written. Returns 1|0 and each key's stored TAT before the call ('' if
// none), so the caller derives the states with the same arithmetic as the in-process store.
// Numbers travel as %.17g strings: Lua's tostring would round them to 14 digits.
const CONSUME = `
local now = tonumber(ARGV[1])
local ok = 1
local before, after, ttl = {}, {}, {}
for i = 1, #KEYS do
  local amount = tonumber(ARGV[i * 3 - 1])
  local limit = tonumber(ARGV[i * 3])
  local window = tonumber(ARGV[i * 3 + 1])
  local stored = redis.call('GET', KEYS[i])
  before[i] = stored or ''
  local tat = tonumber(stored) or now
  if tat < now then tat = now end
  local nextTat = tat + amount * (window / limit)
  if nextTat - now > window + 0.001 then ok = 0 end
  after[i] = nextTat
  ttl[i] = math.ceil(nextTat - now)
end
if ok == 1 then
  for i = 1, #KEYS do
    if tonumber(ARGV[i * 3 - 1]) > 0 and ttl[i] > 0 then
      redis.call('SET', KEYS[i], string.format('%.17g', after[i]), 'PX', ttl[i])
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

  constructor(options: RedisStoreOptions) {
    const redis = options.redis as Redis & Partial<LimitCommands>;
    // defineCommand sends EVALSHA and loads the script on NOSCRIPT.
    if (!redis.modelgateLimitConsume) redis.defineCommand('modelgateLimitConsume', { lua: CONSUME });
    if (!redis.modelgateLimitRefund) redis.defineCommand('modelgateLimitRefund', { lua: REFUND });
    this.#redis = redis as Redis & LimitCommands;
    this.#clock = options.clock;
    this.#prefix = options.prefix ?? 'mg:limit:';
  }

  async consume(charges: readonly Charge[]): Promise<ConsumeResult> {
    const merged = mergeCharges(charges);
    const now = this.#clock.now();
    const [ok, ...before] = await this.#redis.modelgateLimitConsume(merged.length, ...this.#args(merged, now));
    const states = merged.map((charge, i) => {
      const stored = before[i] ? Number(before[i]) : undefined;
      const { state } = gcraStep(charge, stored, now);
      return ok === 1 ? state : stateAt(charge, stored ?? now, now, state.allowed, state.retryAfterMs);
    });
    return { allowed: ok === 1, states };
  }

  async refund(charges: readonly Charge[]): Promise<void> {
    const merged = mergeCharges(charges).filter((charge) => charge.amount > 0);
    if (merged.length === 0) return;
    await this.#redis.modelgateLimitRefund(merged.length, ...this.#args(merged, this.#clock.now()));
  }

  #args(charges: readonly Charge[], now: number): (string | number)[] {
    const keys = charges.map((charge) => this.#prefix + charge.key);
    const numbers = charges.flatMap((charge) => [charge.amount, charge.limit, charge.windowMs]);
    return [...keys, now, ...numbers];
  }
}
