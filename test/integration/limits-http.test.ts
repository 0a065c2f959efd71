import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { TEST_REDIS_URL } from '../helpers/database.js';
import { createLimitsHarness, type Harness } from '../helpers/limits-harness.js';

const opened: Harness[] = [];
async function harness(options: Parameters<typeof createLimitsHarness>[0] = {}) {
  const h = await createLimitsHarness(options);
  opened.push(h);
  return h;
}
afterEach(() => opened.splice(0).forEach((h) => h.close()));

const kinds = [{ name: 'in-process', redisUrl: undefined as string | undefined }];
if (TEST_REDIS_URL) kinds.push({ name: 'redis', redisUrl: TEST_REDIS_URL });

// Each test calls from its own address, so runs against one shared Redis never meet.
let nextAddress = Math.floor(Math.random() * 200) * 256;
const freshAddress = () => `10.${(nextAddress >> 8) & 255}.${nextAddress++ & 255}.${Math.floor(Math.random() * 250)}`;

describe.each(kinds)('@rateLimit over HTTP ($name store)', ({ redisUrl }) => {
  it('lets exactly 50 of 200 parallel calls through `ping` (max 50 per minute); the rest get 429 with Retry-After in seconds', async () => {
    const h = await harness({ redisUrl });
    const address = freshAddress();
    const responses = await Promise.all(Array.from({ length: 200 }, () => h.gql('{ ping }', { address })));
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(50);
    expect(limited).toHaveLength(150);
    for (const r of ok) expect(r.body.data).toEqual({ ping: 1 });
    const refused = limited[0]!;
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(refused.body.errors?.[0]?.message).toBe('Too many calls to Query.ping; retry later.');
    // One call flows back every 60 s / 50 = 1.2 s: Retry-After rounds up to whole seconds.
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.body.data ?? null).toBeNull();
  });

  it('counts every alias and fragment spread of a limited field', async () => {
    const h = await harness({ redisUrl });
    const address = freshAddress();
    const first = await h.gql('{ a: hello b: hello ...F } fragment F on Query { hello }', { address });
    expect(first.status).toBe(200);
    const second = await h.gql('{ hello }', { address });
    expect(second.status).toBe(429);
    expect(second.body.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    // `hello` counts per address: another address is untouched.
    expect((await h.gql('{ hello }', { address: freshAddress() })).status).toBe(200);
  });
});

describe('cost budgets over HTTP', () => {
  it('sends the budget on every response: X-RateLimit-*, RateLimit-Policy / RateLimit, and extensions.cost', async () => {
    const h = await harness();
    const response = await h.gql('{ expensive { id } }', { user: 'u-budget:FREE' });
    expect(response.status).toBe(200);
    expect(response.body.extensions?.['cost']).toEqual({
      requested: 400,
      actual: 400,
      limit: 1000,
      remaining: 600,
      resetAt: new Date(h.clock.now() + 400 * 3600).toISOString(),
    });
    expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('600');
    expect(response.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil((h.clock.now() + 400 * 3600) / 1000)));
    expect(response.headers.get('ratelimit-policy')).toBe('"budget";q=1000;w=3600');
    expect(response.headers.get('ratelimit')).toBe(`"budget";r=600;t=${400 * 3.6}`);
  });

  it('refuses an operation over the budget with 429 and a Retry-After, and takes nothing for it', async () => {
    const h = await harness();
    expect((await h.gql('{ a: expensive { id } b: expensive { id } }', { user: 'u-over:FREE' })).status).toBe(200);
    const refused = await h.gql('{ expensive { id } }', { user: 'u-over:FREE' });
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: 'The hourly cost budget is spent; retry later.',
      extensions: { code: 'RATE_LIMITED', retryAfter: 720 },
    });
    // 200 points left, 400 needed: 200 more flow back in 200 x 3.6 s.
    expect(refused.headers.get('retry-after')).toBe('720');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('200');
    expect(refused.body.extensions?.['cost']).toMatchObject({ requested: 400, actual: 0, remaining: 200 });
  });

  it('refunds what the operation did not spend: a list shorter than assumed', async () => {
    const h = await harness();
    // Reserved: 100 items of weight 1; resolved: 3.
    const response = await h.gql('query ($n: Int) { items(first: $n) { id } }', { variables: { n: 100 }, user: 'u-refund:FREE' });
    expect(response.body.data?.['items']).toHaveLength(3);
    expect(response.body.extensions?.['cost']).toMatchObject({ requested: 100, actual: 3, remaining: 997 });
    expect(response.headers.get('x-ratelimit-remaining')).toBe('997');
    const next = await h.gql('{ items(first: 0) { id } }', { user: 'u-refund:FREE' });
    expect(next.body.extensions?.['cost']).toMatchObject({ requested: 0, remaining: 997 });
  });

  it('is whole again an hour later (injected clock)', async () => {
    const h = await harness();
    await h.gql('{ a: expensive { id } b: expensive { id } }');
    expect((await h.gql('{ expensive { id } }')).status).toBe(429);
    h.clock.advance(3_600_000);
    const later = await h.gql('{ expensive { id } }');
    expect(later.status).toBe(200);
    expect(later.headers.get('x-ratelimit-remaining')).toBe('600');
  });

  it('costs predict from the size of its inputs variable', async () => {
    const h = await harness();
    const predict = 'mutation ($rows: [[Float!]!]!) { predict(modelId: "iris", inputs: $rows) { id } }';
    const response = await h.gql(predict, { variables: { rows: Array.from({ length: 42 }, () => [1, 2, 3, 4]) }, user: 'u-predict:FREE' });
    expect(response.status).toBe(200);
    expect(response.body.extensions?.['cost']).toMatchObject({ requested: 42, actual: 42, remaining: 958 });
  });

  it('gives each identity its own budget by tier', async () => {
    const h = await harness();
    const pro = await h.gql('{ expensive { id } }', { user: 'u-pro:PRO' });
    expect(pro.headers.get('x-ratelimit-limit')).toBe('20000');
    expect(pro.headers.get('x-ratelimit-remaining')).toBe('19600');
    const free = await h.gql('{ expensive { id } }', { user: 'u-free:FREE' });
    expect(free.headers.get('x-ratelimit-remaining')).toBe('600');
    // The address behind both users still has its whole anonymous budget.
    expect((await h.gql('{ items(first: 0) { id } }')).headers.get('x-ratelimit-remaining')).toBe('1000');
  });

  it('refuses an operation estimated above maxCost before execution: 400 QUERY_TOO_COMPLEX, limits hidden in production', async () => {
    const dev = await harness({ maxCost: 500 });
    const refused = await dev.gql('{ items(first: 501) { id } }');
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: 'The query is too complex: its estimated cost is 501 where the limit is 500.',
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
    const production = await harness({ maxCost: 500, hideLimits: true });
    const hidden = await production.gql('{ items(first: 501) { id } }');
    expect(hidden.status).toBe(400);
    expect(hidden.body.errors?.[0]?.message).toBe('The query is too complex.');
    expect(JSON.stringify(hidden.body)).not.toContain('500');
  });

  it('refuses deep, alias-heavy or long documents with 400 QUERY_TOO_COMPLEX without naming the limits in production', async () => {
    const h = await harness({ hideLimits: true });
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: ping`).join(' ')} }`;
    const tokens = `{ ${'ping '.repeat(2001)}}`;
    const long = `{ ping ${' '.repeat(20_000)}}`;
    for (const query of [aliases, tokens, long]) {
      const response = await h.gql(query);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ message: 'The query is too complex.', extensions: { code: 'QUERY_TOO_COMPLEX' } }]);
    }
  });
});

describe.runIf(TEST_REDIS_URL)('two instances sharing one Redis', () => {
  it('share one budget and one @rateLimit window', async () => {
    const clock = new ManualClock();
    const a = await harness({ redisUrl: TEST_REDIS_URL, clock });
    const b = await harness({ redisUrl: TEST_REDIS_URL, clock });
    const user = `u-${Math.random().toString(36).slice(2)}:FREE`;
    expect((await a.gql('{ expensive { id } }', { user })).headers.get('x-ratelimit-remaining')).toBe('600');
    expect((await b.gql('{ expensive { id } }', { user })).headers.get('x-ratelimit-remaining')).toBe('200');
    expect((await a.gql('{ expensive { id } }', { user })).status).toBe(429);

    const address = freshAddress();
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).gql('{ ping }', { address })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(50);
  });
});
