import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/clock.js';
import { connectRedis, redisReady, type Redis } from '../../../../src/db/redis.js';
import type { LimitStore } from '../../../../src/lib/limits/limit-store.js';
import { MemoryLimitStore } from '../../../../src/lib/limits/memory-store.js';
import { RedisLimitStore } from '../../../../src/lib/limits/redis-store.js';
import { TEST_REDIS_URL } from '../../../helpers/database.js';
import { captureLog } from '../../../helpers/log-capture.js';

const MINUTE = 60_000;

interface Kind {
  name: string;
  /** Two stores that count together (two instances), on one clock. */
  pair(clock: ManualClock): [LimitStore, LimitStore];
}

const clients: Redis[] = [];
const kinds: Kind[] = [
  {
    name: 'in-process',
    pair: (clock) => {
      const store = new MemoryLimitStore({ clock });
      return [store, store];
    },
  },
];
if (TEST_REDIS_URL) {
  kinds.push({
    name: 'redis',
    pair: (clock) => {
      // Every test gets its own key prefix, so runs never see each other's counts.
      const prefix = `mg:test:${randomUUID()}:`;
      const [a, b] = clients;
      return [new RedisLimitStore({ redis: a!, clock, prefix }), new RedisLimitStore({ redis: b!, clock, prefix })];
    },
  });
}

beforeAll(async () => {
  if (!TEST_REDIS_URL) return;
  const { logger } = captureLog();
  // A generous timeout: this is about atomicity, and the test machine may be busy.
  for (let i = 0; i < 2; i++) clients.push(connectRedis({ url: TEST_REDIS_URL, logger, commandTimeoutMs: 2_000 }));
  await Promise.all(clients.map((client) => redisReady(client)));
});
afterAll(() => clients.forEach((client) => client.disconnect()));

const charge = (key: string, amount = 1, limit = 50, windowMs = MINUTE) => ({ key, amount, limit, windowMs });

describe.each(kinds)('the $name limit store', (kind) => {
  it('lets exactly 50 of 200 parallel calls through a limit of 50, across two instances', async () => {
    const [a, b] = kind.pair(new ManualClock());
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).consume([charge('burst')])),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
    const refused = results.find((r) => !r.allowed)!;
    expect(refused.states[0]).toMatchObject({ used: 50, remaining: 0, allowed: false });
    // One unit flows back every 60 s / 50 = 1.2 s.
    expect(refused.states[0]!.retryAfterMs).toBeCloseTo(1200, 0);
  });

  it('reports used + remaining = limit, and is whole again one window later', async () => {
    const clock = new ManualClock();
    const [store] = kind.pair(clock);
    const first = await store.consume([charge('window', 30)]);
    expect(first.states[0]).toMatchObject({ allowed: true, used: 30, remaining: 20, limit: 50, resetAt: clock.now() + 36_000 });
    expect((await store.consume([charge('window', 21)])).allowed).toBe(false);
    clock.advance(MINUTE);
    const later = await store.consume([charge('window', 50)]);
    expect(later.allowed).toBe(true);
    expect(later.states[0]).toMatchObject({ used: 50, remaining: 0 });
  });

  it('takes every charge or none', async () => {
    const [store] = kind.pair(new ManualClock());
    await store.consume([charge('full', 5, 5)]);
    const result = await store.consume([charge('free', 1, 5), charge('full', 1, 5)]);
    expect(result.allowed).toBe(false);
    expect(result.states.map((s) => [s.key, s.allowed, s.used])).toEqual([
      ['free', true, 0],
      ['full', false, 5],
    ]);
    expect((await store.consume([charge('free', 0, 5)])).states[0]!.used).toBe(0);
  });

  it('gives refunded units back at once, never below empty', async () => {
    const [store] = kind.pair(new ManualClock());
    await store.consume([charge('refund', 40)]);
    await store.refund([charge('refund', 25)]);
    expect((await store.consume([charge('refund', 0)])).states[0]).toMatchObject({ used: 15, remaining: 35 });
    await store.refund([charge('refund', 1000)]);
    expect((await store.consume([charge('refund', 0)])).states[0]).toMatchObject({ used: 0, remaining: 50 });
  });

  it('never lets a charge larger than the whole limit through, and says when the bucket is full', async () => {
    const clock = new ManualClock();
    const [store] = kind.pair(clock);
    await store.consume([charge('big', 10)]);
    const result = await store.consume([charge('big', 51)]);
    expect(result.allowed).toBe(false);
    expect(result.states[0]!.retryAfterMs).toBeCloseTo(12_000, 0);
  });

  it('counts limits of 3 per second without losing the third to rounding', async () => {
    const [store] = kind.pair(new ManualClock());
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await store.consume([charge('thirds', 1, 3, 1000)])).allowed);
    expect(results).toEqual([true, true, true, false]);
  });
});

describe.runIf(TEST_REDIS_URL)('the Redis store', () => {
  it('holds a refund back for the next charge on its key, and sends it on its own soon after', async () => {
    const clock = new ManualClock();
    const prefix = `mg:test:${randomUUID()}:`;
    const a = new RedisLimitStore({ redis: clients[0]!, clock, prefix });
    const b = new RedisLimitStore({ redis: clients[1]!, clock, prefix });
    await a.consume([charge('held', 40)]);
    await a.refund([charge('held', 10)]);
    await a.refund([charge('held', 5)]);
    // Another instance may see the refund late, by at most the delay (20 ms)...
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await b.consume([charge('held', 0)])).states[0]).toMatchObject({ used: 25 });
    // ...while the refunding instance's own next charge carries it along.
    await a.refund([charge('held', 20)]);
    expect((await a.consume([charge('held', 1)])).states[0]).toMatchObject({ used: 6 });
  });
});

describe('the in-process store', () => {
  it('keeps memory bounded: expired keys go first, then the least recently charged', async () => {
    const clock = new ManualClock();
    const store = new MemoryLimitStore({ clock, maxKeys: 100 });
    for (let i = 0; i < 100; i++) await store.consume([charge(`old-${i}`, 1, 10, 1000)]);
    clock.advance(1000);
    for (let i = 0; i < 10; i++) await store.consume([charge(`new-${i}`)]);
    expect(store.size).toBe(10);
    for (let i = 0; i < 1000; i++) await store.consume([charge(`flood-${i}`)]);
    expect(store.size).toBeLessThanOrEqual(100);
  });
});
