import { describe, expect, it } from 'vitest';
import { connectRedis } from '../../../../src/db/redis.js';
import {
  ACCOUNT_POLICY,
  createMemoryLoginThrottle,
  type LoginThrottle,
  type ThrottleKey,
} from '../../../../src/modules/auth/login-throttle.js';
import { createRedisLoginThrottle } from '../../../../src/modules/auth/login-throttle.redis.js';
import { TEST_REDIS_URL } from '../../../helpers/database.js';
import { captureLog } from '../../../helpers/log-capture.js';

const HOUR = 3_600_000;

/** Attempts every allowed moment for an hour; returns how many got through and the longest wait. */
async function hammer(throttle: LoginThrottle, keys: ThrottleKey[], start: number) {
  let now = start;
  let allowed = 0;
  let longest = 0;
  while (now < start + HOUR) {
    const outcome = await throttle.attempt(keys, now);
    if (outcome.allowed) {
      allowed++;
      now += 1;
    } else {
      longest = Math.max(longest, outcome.retryAfterSeconds);
      now += outcome.retryAfterSeconds * 1000;
    }
  }
  return { allowed, longest };
}

function behavesLikeTheLoginThrottle(name: string, make: () => Promise<{ throttle: LoginThrottle; close: () => void }>) {
  describe(name, () => {
    const key = (): ThrottleKey => ({ key: `account:${Math.random()}`, policy: ACCOUNT_POLICY });

    it('allows 5 free attempts, then doubles the wait from 1 s', async () => {
      const { throttle, close } = await make();
      try {
        const k = [key()];
        const now = 1_000_000;
        for (let i = 0; i < 6; i++) expect(await throttle.attempt(k, now)).toEqual({ allowed: true });
        expect(await throttle.attempt(k, now)).toEqual({ allowed: false, retryAfterSeconds: 1 });
        expect(await throttle.attempt(k, now + 1_000)).toEqual({ allowed: true });
        expect(await throttle.attempt(k, now + 1_000)).toEqual({ allowed: false, retryAfterSeconds: 2 });
      } finally {
        close();
      }
    });

    it('never locks over 15 minutes and lets at most 100 attempts through in an hour', async () => {
      const { throttle, close } = await make();
      try {
        const { allowed, longest } = await hammer(throttle, [key()], 5_000_000);
        expect(longest).toBeLessThanOrEqual(900);
        expect(allowed).toBeLessThanOrEqual(100);
        expect(allowed).toBeGreaterThan(5);
      } finally {
        close();
      }
    });

    it('a success resets the account and refunds the address', async () => {
      const { throttle, close } = await make();
      try {
        const account = key();
        const address: ThrottleKey = { key: `address:${Math.random()}`, policy: { free: 1, maxPerHour: 100, maxLockSeconds: 900 } };
        await throttle.attempt([account, address], 0);
        await throttle.succeeded([account.key], [address.key]);
        // The address got its attempt back: one more is still free.
        expect(await throttle.attempt([account, address], 0)).toEqual({ allowed: true });
        expect(await throttle.attempt([account, address], 0)).toEqual({ allowed: true });
        expect((await throttle.attempt([account, address], 0)).allowed).toBe(false);
      } finally {
        close();
      }
    });

    it('counts a parallel burst atomically: the lock meets the burst', async () => {
      const { throttle, close } = await make();
      try {
        const k = [key()];
        const outcomes = await Promise.all(Array.from({ length: 40 }, () => throttle.attempt(k, 9_000_000)));
        expect(outcomes.filter((o) => o.allowed)).toHaveLength(6);
      } finally {
        close();
      }
    });
  });
}

behavesLikeTheLoginThrottle('the in-process login throttle', async () => ({ throttle: createMemoryLoginThrottle(), close: () => undefined }));

if (TEST_REDIS_URL) {
  behavesLikeTheLoginThrottle('the Redis login throttle', async () => {
    const log = captureLog();
    const redis = connectRedis({ url: TEST_REDIS_URL!, logger: log.logger });
    return { throttle: createRedisLoginThrottle(redis, createMemoryLoginThrottle(), log.logger), close: () => redis.disconnect() };
  });
}

describe('the Redis login throttle while Redis is down', () => {
  it('falls back to counting in this instance, and still locks', async () => {
    const log = captureLog();
    const redis = connectRedis({ url: 'redis://127.0.0.1:1', logger: log.logger });
    try {
      const throttle = createRedisLoginThrottle(redis, createMemoryLoginThrottle(), log.logger);
      const k = [{ key: 'account:down', policy: ACCOUNT_POLICY }];
      for (let i = 0; i < 6; i++) expect((await throttle.attempt(k, 0)).allowed).toBe(true);
      expect((await throttle.attempt(k, 0)).allowed).toBe(false);
      expect(log.text()).toContain('counting in this instance');
    } finally {
      redis.disconnect();
    }
  });
});
