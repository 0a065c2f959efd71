import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('limits in the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BUDGET_FREE: '300' } });
  });
  afterAll(() => t.close());

  const post = (query: string, address = '10.0.0.7', accept = 'application/graphql-response+json') =>
    t.app.fetch(
      'http://localhost/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) },
      { remoteAddress: address },
    );

  it('answers `rateLimit` for free, with used + remaining = limit and the budget headers on the wire', async () => {
    const response = await post('{ rateLimit { limit remaining used resetAt tier } }');
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

  it("refunds a reservation whose fields never resolved (an anonymous `me`)", async () => {
    const response = await post('{ me { id } }', '10.0.0.8');
    expect(response.status).toBe(401);
    const body = (await response.json()) as { extensions: { cost: Record<string, unknown> } };
    expect(body.extensions.cost).toMatchObject({ requested: 1, actual: 0, remaining: 300 });
    expect(response.headers.get('x-ratelimit-remaining')).toBe('300');
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
