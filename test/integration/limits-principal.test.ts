import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createUserAndLogin } from '../helpers/auth.js';
import { TEST_REDIS_URL } from '../helpers/database.js';

describe('budgets keyed on the principal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BUDGET_FREE: '5', BUDGET_PRO: '50' } });
  });
  afterAll(() => t.close());

  it("charges the user's tier budget and reports it in headers, extensions.cost and rateLimit", async () => {
    const { headers } = (await createUserAndLogin(t, { tier: 'PRO' }));
    const me = await t.gql('{ me { id } }', undefined, headers);
    expect(me.status).toBe(200);
    expect(me.headers.get('x-ratelimit-limit')).toBe('50');
    expect(me.headers.get('x-ratelimit-remaining')).toBe('49');
    expect(me.body.extensions?.['cost']).toMatchObject({ requested: 1, actual: 1, limit: 50, remaining: 49 });
    const status = await t.gql('{ rateLimit { limit remaining used tier } }', undefined, headers);
    expect(status.body.data?.['rateLimit']).toEqual({ limit: 50, remaining: 49, used: 1, tier: 'PRO' });
  });

  it('refuses the sixth `me` of a FREE user with 429 and Retry-After, whatever address it comes from', async () => {
    const { headers } = (await createUserAndLogin(t, { tier: 'FREE' }));
    for (let i = 0; i < 5; i++) expect((await t.gql('{ me { id } }', undefined, headers)).status).toBe(200);
    const refused = await t.gql('{ me { id } }', undefined, headers);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBe(720);
    // An hour of budget is 5 points: one flows back every 720 s.
    t.clock.advance(720_000);
    expect((await t.gql('{ me { id } }', undefined, headers)).status).toBe(200);
  });
});

describe.skipIf(!TEST_REDIS_URL)('two app instances on one Redis and one database', () => {
  it('share one budget', async () => {
    // PRO, not FREE: anonymous sign-ins count against the address's FREE budget in the same Redis,
    // which other test files share; a tiny FREE budget here would refuse the login itself.
    const a = await createTestApp({ redisUrl: TEST_REDIS_URL, env: { BUDGET_PRO: '4' } });
    const b = await createTestApp({ redisUrl: TEST_REDIS_URL, database: a.database, clock: a.clock, env: { BUDGET_PRO: '4' } });
    try {
      const { headers } = (await createUserAndLogin(a, { tier: 'PRO' }));
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? a : b).gql('{ me { id } }', undefined, headers)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
