import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createUserAndLogin } from '../../helpers/auth.js';
import { PRODUCTION_ENV } from '../../helpers/production.js';

/**
 * The checks graphql-cop runs, each as the request it sends, against NODE_ENV=production, plus
 * the introspection bypass spellings. Every refusal carries the contract's code and status.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: PRODUCTION_ENV });
});
afterAll(async () => t.close());

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: unknown };
}

async function send(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await t.app.fetch(`http://localhost${path}`, init);
  const text = await response.text();
  let body: Answer['body'] = {};
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    // Not JSON (an HTML page, an empty 406): `text` tells.
  }
  return { status: response.status, headers: response.headers, text, body };
}

const JSON_POST = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
const post = (body: unknown, headers: Record<string, string> = {}) =>
  send('/graphql', { method: 'POST', headers: { ...JSON_POST, ...headers }, body: JSON.stringify(body) });
const get = (query: string, headers: Record<string, string> = { 'x-graphql-csrf': '1' }) =>
  send(`/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/graphql-response+json', ...headers } });

const codes = (answer: Answer) => answer.body.errors?.map((e) => e.extensions?.['code']);

function expectRefused(answer: Answer, status: number, code = 'BAD_REQUEST') {
  expect(answer.status).toBe(status);
  expect(answer.body.data ?? null).toBeNull();
  expect(codes(answer)).toEqual([code]);
}

describe('graphql-cop against production', () => {
  it('introspection: the full query an anonymous scanner sends is refused with 400 BAD_REQUEST', async () => {
    const answer = await post({ query: getIntrospectionQuery() });
    expectRefused(answer, 400);
    expect(answer.body.errors![0]!.message).toBe('Introspection is not allowed.');
    expect(answer.text).not.toContain('queryType');
  });

  it.each([
    ['__type', '{ __type(name: "User") { name fields { name } } }'],
    ['an alias', '{ innocent: __schema { types { name } } }'],
    ['a named fragment', 'query Q { ...Sneaky } fragment Sneaky on Query { __schema { types { name } } }'],
    ['an inline fragment', '{ ... on Query { __type(name: "Query") { fields { name } } } }'],
    ['a nested alias inside an inline fragment', '{ ... { t: __type(name: "User") { name } } }'],
    ['an operation name picking the harmless one', 'query A { __typename } query B { __schema { types { name } } }'],
  ])('introspection through %s is refused the same way', async (_how, query) => {
    expectRefused(await post({ query, operationName: query.includes('query B') ? 'B' : undefined }), 400);
  });

  it('introspection over GET is refused too', async () => {
    expectRefused(await get('{ __schema { types { name } } }'), 400);
    expectRefused(await get('{ a: __type(name: "User") { name } }'), 400);
  });

  it('__typename stays allowed', async () => {
    const answer = await post({ query: '{ __typename }' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('introspection deeper than 15 levels is QUERY_TOO_COMPLEX, before anyone is asked who they are', async () => {
    const chain = 'ofType { '.repeat(20) + 'name' + ' }'.repeat(20);
    expectRefused(await post({ query: `{ __type(name: "User") { ${chain} } }` }), 400, 'QUERY_TOO_COMPLEX');
  });

  it('field suggestions: a misspelt field gets no "Did you mean"', async () => {
    const answer = await post({ query: '{ mee { id } }' });
    expectRefused(answer, 400);
    expect(answer.body.errors![0]!.message).toBe('Cannot query field "mee" on type "Query".');
    expect(answer.text).not.toMatch(/did you mean/i);
  });

  it('field suggestions: nor a misspelt type, argument or enum value', async () => {
    for (const query of [
      '{ me { idd emial } }',
      'query ($r: Rol) { __typename }',
      '{ me(idd: 1) { id } }',
      'query ($r: Role = ADMN) { __typename }',
    ]) {
      const answer = await post({ query });
      expect(answer.status).toBe(400);
      expect(answer.text).not.toMatch(/did you mean/i);
    }
  });

  it('IDE exposure: no GraphiQL page in production', async () => {
    const page = await send('/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(406);
    expect(page.text).not.toMatch(/graphiql|playground|altair/i);
    const asset = await send('/graphiql/assets/yoga-graphiql.umd.js');
    expect(asset.status).toBe(404);
  });

  it('GET queries need the CSRF header: without it, 403 BAD_REQUEST', async () => {
    expectRefused(await get('{ __typename }', {}), 403);
    const allowed = await get('{ __typename }');
    expect(allowed.status).toBe(200);
    expect(allowed.body.data).toEqual({ __typename: 'Query' });
    const apollo = await get('{ __typename }', { 'apollo-require-preflight': 'true' });
    expect(apollo.status).toBe(200);
  });

  it('GET mutations are refused with 405, header or not', async () => {
    const answer = await get('mutation { __typename }');
    expectRefused(answer, 405);
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it.each([
    ['application/x-www-form-urlencoded', 'query=%7B__typename%7D'],
    ['text/plain', JSON.stringify({ query: '{ __typename }' })],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ __typename }"}\r\n--x--\r\n'],
  ])('a %s POST without the CSRF header is refused with 403 BAD_REQUEST', async (contentType, body) => {
    expectRefused(await send('/graphql', { method: 'POST', headers: { 'content-type': contentType }, body }), 403);
  });

  it('an application/json POST needs no CSRF header (browsers preflight it)', async () => {
    expect((await post({ query: '{ __typename }' })).status).toBe(200);
  });

  it('batching: an array of operations is refused with 400 BAD_REQUEST', async () => {
    expectRefused(await post([{ query: '{ __typename }' }, { query: '{ __typename }' }]), 400);
  });

  it('directive overloading: a hundred unknown directives get a short answer, not one error each', async () => {
    const answer = await post({ query: `query { __typename ${'@aa'.repeat(100)} }` });
    expect(answer.status).toBe(400);
    expect(answer.body.errors!.length).toBeLessThanOrEqual(5);
    // Unknown directives (BAD_REQUEST) or, counted first, more directives than the cap allows.
    expect(codes(answer)!.every((code) => code === 'BAD_REQUEST' || code === 'QUERY_TOO_COMPLEX')).toBe(true);
  });

  it('alias overloading: 101 aliases are refused with 400 QUERY_TOO_COMPLEX, the cap unnamed', async () => {
    const aliases = Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(' ');
    const answer = await post({ query: `{ ${aliases} }` });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(answer.text).not.toMatch(/\b15\b/);
  });

  it('introspection: an ADMIN may, a USER may not, in any spelling', async () => {
    const admin = await createUserAndLogin(t, { role: 'ADMIN' });
    const user = await createUserAndLogin(t, { role: 'USER' });
    const query = { query: getIntrospectionQuery() };
    const allowed = await send('/graphql', { method: 'POST', headers: { ...JSON_POST, ...admin.headers }, body: JSON.stringify(query) });
    expect(allowed.status).toBe(200);
    expect((allowed.body.data?.['__schema'] as { queryType: { name: string } }).queryType.name).toBe('Query');
    const refused = await send('/graphql', { method: 'POST', headers: { ...JSON_POST, ...user.headers }, body: JSON.stringify(query) });
    expectRefused(refused, 400);
    const aliased = await send('/graphql', {
      method: 'POST',
      headers: { ...JSON_POST, ...user.headers },
      body: JSON.stringify({ query: '{ t: __type(name: "User") { name } }' }),
    });
    expectRefused(aliased, 400);
  });

  it('tracing and debug extensions are absent', async () => {
    for (const answer of [await post({ query: '{ __typename }' }), await post({ query: '{ mee }' })]) {
      expect(answer.body.extensions).toBeUndefined();
      expect(answer.text).not.toMatch(/tracing|stacktrace|exception|"stack"|originalError/i);
    }
  });

  it('unhandled errors are masked: nonsense documents and bodies answer 4xx without internals', async () => {
    const answers = [
      await post({ query: 'qwerty cop { abc }' }),
      await send('/graphql', { method: 'POST', headers: JSON_POST, body: '{"query": "{ __typename }"' }),
      await send('/graphql', { method: 'POST', headers: JSON_POST, body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }),
      await post({ query: '{ __typename }', variables: 'not an object' }),
      await post({ query: 42 }),
      await post(null),
      await get('{ __typename }&variables=%7Bnot-json'),
      await get('{ __typename }&extensions=%5B'),
      await send('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-csrf': '1' },
        body: 'query=%7B__typename%7D&variables=%7B',
      }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['BAD_REQUEST']);
      expect(answer.text).not.toMatch(/stack|originalError|node_modules|at [A-Za-z]+ \(/);
    }
  });
});

describe('request hygiene in production', () => {
  it('a body over the cap is 413 BAD_REQUEST', async () => {
    const answer = await post({ query: '{ __typename }', variables: { padding: 'x'.repeat(t.config.limits.maxBodyBytes) } });
    expectRefused(answer, 413);
  });

  it('an unsupported content type is 415 BAD_REQUEST, a missing one too', async () => {
    const xml = await send('/graphql', { method: 'POST', headers: { 'content-type': 'application/xml', 'x-graphql-csrf': '1' }, body: '<q/>' });
    expectRefused(xml, 415);
    const none = await send('/graphql', { method: 'POST', headers: { 'x-graphql-csrf': '1' }, body: '{"query":"{ __typename }"}' });
    expectRefused(none, 415);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('%s /graphql is 405 BAD_REQUEST with Allow', async (method) => {
    const answer = await send('/graphql', { method, headers: JSON_POST, body: '{}' });
    expectRefused(answer, 405);
    expect(answer.headers.get('allow')).toBe('GET, POST');
  });

  it('POST /health is 405', async () => {
    expect((await send('/health', { method: 'POST' })).status).toBe(405);
  });
});
