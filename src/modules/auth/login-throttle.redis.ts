import type { Redis } from '../../db/redis.js';
import type { Logger } from '../../logger.js';
import { WINDOW_MS, type LoginThrottle } from './login-throttle.js';

// The same rules as the in-process throttle (lockAfter), in one atomic script, so every
// instance sees one count and parallel guesses cannot slip between a read and a write.
const ATTEMPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
local states = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'c', 'w', 'l')
  local c, w, l = tonumber(v[1]) or 0, tonumber(v[2]) or now, tonumber(v[3]) or 0
  if now >= w + window and now >= l then c = 0; w = now; l = 0 end
  if l > now and l - now > wait then wait = l - now end
  states[i] = { c, w, l }
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local base = 2 + (i - 1) * 3
  local free, maxh, cap = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local c, w, l = states[i][1] + 1, states[i][2], states[i][3]
  local lock = 0
  if c >= maxh then lock = math.min(math.max(w + window - now, 0), cap)
  elseif c > free then lock = math.min((2 ^ (c - free - 1)) * 1000, cap) end
  if lock > 0 then l = now + lock end
  redis.call('HSET', key, 'c', c, 'w', w, 'l', math.floor(l))
  redis.call('PEXPIRE', key, math.floor(math.max(w + window - now, l - now, 1000)))
end
return 0
`;

const REFUND = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'c', -1) end return 0`;

const PREFIX = 'modelgate:login-throttle:';

/** Counters shared by every instance through Redis; while Redis fails, this instance's own. */
export function createRedisLoginThrottle(redis: Redis, fallback: LoginThrottle, logger: Logger): LoginThrottle {
  let lastWarned = 0;
  const warn = (error: unknown) => {
    const now = Date.now();
    if (now - lastWarned > 5_000) {
      lastWarned = now;
      logger.warn({ err: error }, 'login throttle: redis failed, counting in this instance');
    }
  };
  return {
    async attempt(keys, nowMs) {
      const args: Array<string | number> = [nowMs, WINDOW_MS];
      for (const { policy } of keys) args.push(policy.free, policy.maxPerHour, policy.maxLockSeconds * 1000);
      try {
        const wait = Number(await redis.eval(ATTEMPT, keys.length, ...keys.map((k) => PREFIX + k.key), ...args));
        return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true };
      } catch (error) {
        warn(error);
        return fallback.attempt(keys, nowMs);
      }
    },
    async succeeded(reset, refund) {
      try {
        if (reset.length) await redis.del(...reset.map((k) => PREFIX + k));
        for (const key of refund) await redis.eval(REFUND, 1, PREFIX + key);
      } catch (error) {
        warn(error);
      }
      await fallback.succeeded(reset, refund);
    },
  };
}
