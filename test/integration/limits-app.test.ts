import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redisReady } from '../../src/db/redis.js';
import { RedisLimitStore } from '../../src/lib/limits/redis-store.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createUserAndLogin } from '../helpers/auth.js';
import { TEST_REDIS_URL } from '../helpers/database.js';

describe('limits in the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BUDGET_FREE: '300' } });
  });
  afterAll(() => t.close());

  const postAs = (headers: Record<string, string>, query: string) =>
    t.app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  const post = (query: string, address = '10.0.0.7', accept = 'application/graphql-response+json') =>
    t.app.fetch(
      'http://localhost/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) },
      { remoteAddress: address },
    );

  it('answers `rateLimit` for free, with used + remaining = limit and the budget headers on the wire', async () => {
    const { headers } = await createUserAndLogin(t, { tier: 'FREE' });
    const response = await postAs(headers, '{ rateLimit { limit remaining used resetAt tier } }');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { rateLimit: Record<string, unknown> }; extensions: { cost: Record<string, unknown> } };
    expect(body.data.rateLimit).toEqual({ limit: 300, remaining: 300, used: 0, resetAt: new Date(t.clock.now()).toISOString(), tier: 'FREE' });
    expect(body.extensions.cost).toMatchObject({ requested: 0, actual: 0, limit: 300, remaining: 300 });
    expect(response.headers.get('x-ratelimit-limit')).toBe('300');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('300');
    expect(response.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil(t.clock.now() / 1000)));
    expect(response.headers.get('ratelimit-policy')).toBe('"budget";q=300;w=3600');
    expect(response.headers.get('ratelimit')).toBe('"budget";r=300;t=0');
  });

  it('refunds what a list did not return: ten keys assumed, none listed', async () => {
    const { headers } = await createUserAndLogin(t, { tier: 'FREE' });
    const response = await postAs(headers, '{ apiKeys { id } }');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { extensions: { cost: { requested: number; actual: number; remaining: number } } };
    expect(body.extensions.cost.requested).toBeGreaterThan(body.extensions.cost.actual);
    expect(body.extensions.cost.remaining).toBe(300 - body.extensions.cost.actual);
    expect(response.headers.get('x-ratelimit-remaining')).toBe(String(300 - body.extensions.cost.actual));
  });

  it('leaves anonymous response bodies plain, but counts them per address with headers', async () => {
    const response = await post('{ __typename }', '10.0.0.9');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('x-ratelimit-limit')).toBe('300');
  });

  it("lets GraphiQL's introspection query through, and refuses depth 11 with 400 QUERY_TOO_COMPLEX", async () => {
    expect((await post(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true }))).status).toBe(200);
    const deep = `{ __typename ${'me { '.repeat(10)}id${' }'.repeat(10)} }`;
    const response = await post(deep);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]).toMatchObject({
      message: 'The query is too complex: nested too deeply (11 where the limit is 10).',
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
    // GraphQL over HTTP: a client accepting only application/json gets document errors with 200.
    expect((await post(deep, '10.0.0.7', 'application/json')).status).toBe(200);
  });

  it('refuses a document over 20 000 characters before parsing it', async () => {
    const response = await post(`{ rateLimit { limit } ${'#'.repeat(20_000)}\n}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions['code']).toBe('QUERY_TOO_COMPLEX');
  });

  it('/ready without Redis configured is plainly ok', async () => {
    const response = await t.app.fetch('http://localhost/ready');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe.runIf(TEST_REDIS_URL)('two app instances on one Redis and one database', () => {
  it('read one shared budget', async () => {
    const a = await createTestApp({ redisUrl: TEST_REDIS_URL });
    const b = await createTestApp({ redisUrl: TEST_REDIS_URL, database: a.database, clock: a.clock });
    const spender = connectRedis({ url: TEST_REDIS_URL!, logger: a.log.logger, commandTimeoutMs: 2_000 });
    try {
      await Promise.all([redisReady(a.deps.redis!), redisReady(b.deps.redis!), redisReady(spender)]);
      const { user, headers } = await createUserAndLogin(a, { tier: 'FREE' });
      // A third instance spends 250 points of this user's budget (FREE: 1 000).
      const third = new RedisLimitStore({ redis: spender, clock: a.clock });
      expect((await third.consume([{ key: `budget:user:${user.id}`, amount: 250, limit: 1000, windowMs: 3_600_000 }])).allowed).toBe(true);
      for (const instance of [a, b]) {
        const response = await instance.app.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: '{ rateLimit { used remaining } }' }),
        });
        expect(response.headers.get('x-ratelimit-remaining')).toBe('750');
        expect(((await response.json()) as { data: unknown }).data).toEqual({ rateLimit: { used: 250, remaining: 750 } });
      }
    } finally {
      spender.disconnect();
      await b.close();
      await a.close();
    }
  });
});
