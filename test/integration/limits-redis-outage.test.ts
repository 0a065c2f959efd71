import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { redisReady } from '../../src/db/redis.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createUserAndLogin } from '../helpers/auth.js';
import { createLimitsHarness, type Harness } from '../helpers/limits-harness.js';
import { HAS_REDIS_SERVER, RedisServer } from '../helpers/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `count` requests one after another and returns the slowest time. */
async function slowest(count: number, request: () => Promise<unknown>): Promise<number> {
  let worst = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await request();
    worst = Math.max(worst, performance.now() - started);
  }
  return worst;
}

describe.runIf(HAS_REDIS_SERVER)('limits while Redis goes away and comes back', () => {
  const server = new RedisServer();
  const clock = new ManualClock();
  let t: TestApp;
  let a: Harness;
  let b: Harness;
  let headers: Record<string, string>;

  beforeAll(async () => {
    await server.start();
    t = await createTestApp({ redisUrl: server.url, clock });
    await redisReady(t.deps.redis!);
    ({ headers } = await createUserAndLogin(t));
    a = await createLimitsHarness({ redisUrl: server.url, clock });
    b = await createLimitsHarness({ redisUrl: server.url, clock });
  });
  afterAll(async () => {
    server.thaw();
    a?.close();
    b?.close();
    await t?.close();
    await server.kill();
  });

  const status = () => t.gql('{ rateLimit { limit remaining used } }', undefined, headers);
  const ready = async () => {
    const response = await t.app.fetch('http://localhost/ready');
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('counts shared while Redis answers, and /ready says ok', async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: 'ok' } });
    const responses = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).gql('{ ping }', { address: '10.1.0.1' })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(50);
  });

  it('killed: no request is held up, limits count per instance, /ready reports the degradation', async () => {
    const baseline = await slowest(20, status);
    await server.kill();
    const worst = await slowest(50, async () => {
      const response = await status();
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
    });
    expect(worst).toBeLessThan(baseline + 200);
    expect(await ready()).toEqual({ status: 503, body: { status: 'unavailable', down: ['redis'] } });

    // Per instance: each of the two instances now lets its own 50 through.
    const onA = await Promise.all(Array.from({ length: 60 }, () => a.gql('{ ping }', { address: '10.1.0.2' })));
    const onB = await Promise.all(Array.from({ length: 60 }, () => b.gql('{ ping }', { address: '10.1.0.2' })));
    expect(onA.filter((r) => r.status === 200)).toHaveLength(50);
    expect(onB.filter((r) => r.status === 200)).toHaveLength(50);
    expect(a.store.degraded).toBe(true);

    // A limiter that must stay strict (login, password reset) names a conservative per-instance limit.
    const login = { key: 'login:someone@example.com', amount: 1, limit: 10, windowMs: 900_000, fallbackLimit: 2 };
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push((await a.store.consume([login])).allowed);
    expect(attempts).toEqual([true, true, false]);
  });

  it('restarted: shared counting resumes', async () => {
    await server.start();
    await Promise.all([redisReady(t.deps.redis!, 5_000), redisReady(a.redis!, 5_000), redisReady(b.redis!, 5_000)]);
    // The fallback skips Redis for a second after its last failure.
    await sleep(1_100);
    expect(await ready()).toEqual({ status: 200, body: { status: 'ok' } });
    const responses = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).gql('{ ping }', { address: '10.1.0.3' })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(50);
    expect(a.store.degraded).toBe(false);
  });

  it('frozen (black-holed): requests wait at most the command timeout, then skip Redis', async () => {
    const baseline = await slowest(20, status);
    server.freeze();
    try {
      const worst = await slowest(30, async () => expect((await status()).status).toBe(200));
      expect(worst).toBeLessThan(baseline + 200);
      const probe = await ready();
      expect(probe).toEqual({ status: 503, body: { status: 'unavailable', down: ['redis'] } });
    } finally {
      server.thaw();
    }
  });
});
