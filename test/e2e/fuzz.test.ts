import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_ENV } from '../helpers/production.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Thousands of malformed requests over real HTTP against the production configuration:
 * no 5xx, no crash, memory that settles, and a healthy server afterwards.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: PRODUCTION_ENV });
});
afterAll(async () => server?.close());

// Thousands, but few enough to stay well under a minute on two shared cores.
const RUNS = 2000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const TOKENS = ['{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '=', '...', '"', '"""', '#', ',', '\\u0000', '\n',
  'query', 'mutation', 'subscription', 'fragment', 'on', '__schema', '__type', '__typename', 'me', 'id', 'a:', 'name:',
  '@include(if: true)', '@skip(if: $v)', '@aa', 'ofType', 'types', '$v: Int', '1e309', '-0', 'null', '\u{1F600}', '\uFFFD', '\uD800'];
const graphqlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((parts) => parts.join(' '));
const anyQuery = fc.oneof(graphqlish, fc.string({ maxLength: 200 }), fc.constant('{ __typename }'), fc.constant(''));
const json = fc.jsonValue({ maxDepth: 4 });

const body = fc.oneof(
  fc.record({ query: anyQuery, variables: fc.oneof(json, fc.constant(undefined)), operationName: fc.oneof(fc.string(), json), extensions: fc.oneof(json, fc.constant(undefined)) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  json.map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.array(fc.record({ query: anyQuery })).map((b) => JSON.stringify(b)),
);

const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/graphql-response+json',
    'application/graphql', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'multipart/form-data',
    'application/xml', '*/*', ''),
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz/;=+-. '.split('')), maxLength: 40 }),
);
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 120 });
const extraHeaders = fc.dictionary(
  fc.constantFrom('authorization', 'x-api-key', 'accept', 'origin', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id',
    'x-graphql-csrf', 'apollo-require-preflight', 'access-control-request-method', 'idempotency-key', 'cookie', 'range', 'if-none-match'),
  headerValue,
  { maxKeys: 6 },
);
// encodeURIComponent throws on lone surrogates; the raw-socket fuzz below covers broken bytes.
const wellFormed = (text: string) => text.replace(/[\uD800-\uDFFF]/g, '\uFFFD');
const path = fc.oneof(
  { weight: 8, arbitrary: fc.constant('/graphql') },
  { weight: 3, arbitrary: fc.tuple(anyQuery, fc.oneof(fc.string({ maxLength: 50 }), json.map((v) => JSON.stringify(v)))).map(
    ([q, v]) => `/graphql?query=${encodeURIComponent(wellFormed(q))}&variables=${encodeURIComponent(wellFormed(v))}`,
  ) },
  { weight: 1, arbitrary: fc.constantFrom('/graphql/', '/health', '/ready', '/graphiql/assets/graphiql.css', '/', '/%00', '/..%2f..%2fetc/passwd') },
  { weight: 1, arbitrary: fc.webPath() },
);
const method = fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

const request = fc.record({
  method,
  path,
  body,
  contentType,
  headers: extraHeaders,
  // Chunked bodies carry no Content-Length, so the size cap must stop them while they stream.
  chunked: fc.boolean(),
  oversized: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

interface FuzzRequest {
  method: string;
  path: string;
  body: string | Uint8Array;
  contentType: string;
  headers: Record<string, string>;
  chunked: boolean;
  oversized: boolean;
}

const OVERSIZED = new Uint8Array(1024 * 1024 + 4096).fill(0x20);

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.slice(at, at + 64 * 1024));
      controller.close();
    },
  });
}

async function send(r: FuzzRequest) {
  const headers = new Headers(r.headers);
  if (r.contentType) headers.set('content-type', r.contentType);
  const withBody = r.method !== 'GET' && r.method !== 'HEAD';
  let payload: BodyInit | undefined;
  if (withBody) {
    const bytes = r.oversized ? OVERSIZED : typeof r.body === 'string' ? new TextEncoder().encode(r.body) : r.body;
    payload = (r.chunked ? streamOf(bytes) : bytes) as BodyInit;
  }
  const init = { method: r.method, headers, body: payload, duplex: 'half' } as RequestInit;
  const response = await fetch(`${server.url}${r.path}`, init);
  await response.arrayBuffer();
  return response.status;
}

/** Random bytes straight onto a socket: node's HTTP parser must answer 4xx or hang up, never crash. */
function garbage(bytes: Uint8Array): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', () => resolve(text));
    socket.on('close', () => resolve(text));
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}

describe('fuzzing the transport', () => {
  it('thousands of malformed requests: no 5xx, memory settles, healthy after', async () => {
    const statuses = new Map<number, number>();
    const property = fc.asyncProperty(request, async (r) => {
      const status = await send(r);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      return status < 500;
    });
    // Warm up caches (parser, validation, JIT) before the memory baseline.
    await fc.assert(property, { numRuns: 300, seed: 1 });
    const before = heapAfterGc();
    const started = performance.now();
    await fc.assert(property, { numRuns: RUNS });
    const seconds = (performance.now() - started) / 1000;
    const growthMb = (heapAfterGc() - before) / 1024 / 1024;
    console.info(`fuzz: ${RUNS} requests in ${seconds.toFixed(1)} s, heap growth ${growthMb.toFixed(1)} MiB, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(growthMb).toBeLessThan(40);

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (bytes) => {
        const answer = await garbage(bytes);
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
        return status < 500;
      }),
      { numRuns: 300 },
    );

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const ok = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
  }, 120_000);
});
