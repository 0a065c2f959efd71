import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CONTENT_SECURITY_POLICY } from '../../../src/plugins/use-security-headers.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { captureLog } from '../../helpers/log-capture.js';
import { PRODUCTION_ENV } from '../../helpers/production.js';

/** One database for every app in this file: building PGlite is the slow part. */
let database: TestDatabase;
let dev: TestApp;
let prod: TestApp;
beforeAll(async () => {
  database = await createTestDatabase(captureLog().logger);
  dev = await createTestApp({ database, env: { CORS_ORIGINS: 'https://app.example,https://admin.example' } });
  prod = await createTestApp({
    database,
    env: { ...PRODUCTION_ENV, CORS_ORIGINS: 'https://app.example', TRUST_PROXY: '10.0.0.0/8' },
  });
});
afterAll(async () => {
  await dev.close();
  await prod.close();
  await database.close();
});

const fetchFrom = (app: TestApp, path: string, init: RequestInit = {}, remoteAddress = '203.0.113.7') =>
  app.app.fetch(`http://localhost${path}`, init, { remoteAddress });

const query = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: '{"query":"{ __typename }"}' };

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('permissions-policy')).toContain('camera=()');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
}

describe('security headers', () => {
  it.each([
    ['a query', '/graphql', query, 200],
    ['a refused query', '/graphql', { ...query, body: '{"query":"{ nope }"}' }, 400],
    ['a malformed body', '/graphql', { ...query, body: '{' }, 400],
    ['liveness', '/health', {}, 200],
    ['readiness', '/ready', {}, 200],
    ['an unknown path', '/wp-admin', {}, 404],
    ['a wrong method', '/graphql', { method: 'DELETE' }, 405],
  ])('are on %s (%s), with no-store and the API policy', async (_what, path, init, status) => {
    for (const app of [dev, prod]) {
      const response = await fetchFrom(app, path, init);
      expect(response.status).toBe(status);
      expectSecurityHeaders(response);
      expect(response.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('HSTS is sent only when a trusted proxy says the client used https', async () => {
    const viaProxy = await fetchFrom(prod, '/health', { headers: { 'x-forwarded-proto': 'https' } }, '10.1.2.3');
    expect(viaProxy.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const spoofed = await fetchFrom(prod, '/health', { headers: { 'x-forwarded-proto': 'https' } }, '203.0.113.7');
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
    const plain = await fetchFrom(prod, '/health', { headers: { 'x-forwarded-proto': 'http' } }, '10.1.2.3');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('CORS', () => {
  it('a listed origin is echoed with the limit headers exposed; no credentials flag, never *', async () => {
    const response = await fetchFrom(dev, '/graphql', { ...query, headers: { ...query.headers, origin: 'https://admin.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    expect(response.headers.get('vary')).toContain('Origin');
    const exposed = response.headers.get('access-control-expose-headers')!.split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit', 'ratelimit-policy', 'retry-after', 'x-request-id']));
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('an unlisted origin is not reflected', async () => {
    const response = await fetchFrom(dev, '/graphql', { ...query, headers: { ...query.headers, origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('a preflight from a listed origin is answered 204 and cached', async () => {
    const response = await fetchFrom(prod, '/graphql', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-graphql-csrf');
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expectSecurityHeaders(response);
  });

  it('a preflight from anywhere else gets no permission', async () => {
    const response = await fetchFrom(prod, '/graphql', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.evil.com', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('without CORS_ORIGINS there are no CORS headers at all', async () => {
    const bare = await createTestApp({ database });
    const response = await fetchFrom(bare, '/graphql', { ...query, headers: { ...query.headers, origin: 'https://app.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    await bare.close();
  });
});

describe('GraphiQL in development', () => {
  it('is served from our own assets, under a nonce policy, with login/predict and an Authorization header preset', async () => {
    const response = await fetchFrom(dev, '/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expectSecurityHeaders(response);
    const csp = response.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
    // No CDN: every URL the page names is our own.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('/graphiql/assets/yoga-graphiql.umd.js');
    expect(html).toContain('login(email: $email, password: $password)');
    expect(html).toContain('predict(modelId: $modelId');
    expect(html).toContain('Authorization');

    const again = await fetchFrom(dev, '/graphql', { headers: { accept: 'text/html' } });
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });

  it.each([
    ['yoga-graphiql.umd.js', 'text/javascript'],
    ['graphiql.css', 'text/css'],
    ['monacoeditorwork/editor.worker.bundle.js', 'text/javascript'],
    ['monacoeditorwork/graphql.worker..bundle.js', 'text/javascript'],
    ['monacoeditorwork/json.worker.bundle.js', 'text/javascript'],
  ])('serves %s itself', async (name, type) => {
    const response = await fetchFrom(dev, `/graphiql/assets/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('serves nothing else from the assets path', async () => {
    for (const path of ['../package.json', '..%2Fpackage.json', 'yoga-graphiql.es.js', '']) {
      expect((await fetchFrom(dev, `/graphiql/assets/${path}`)).status).toBe(404);
    }
  });

  it('introspection works for anonymous callers outside production', async () => {
    const response = await fetchFrom(dev, '/graphql', { ...query, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('GRAPHIQL=on brings it back in production', async () => {
    const withIde = await createTestApp({ database, env: { ...PRODUCTION_ENV, GRAPHIQL: 'on' } });
    const response = await fetchFrom(withIde, '/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('yoga-graphiql.umd.js');
    await withIde.close();
  });
});

describe('HTTPS_REDIRECT=on behind a proxy', () => {
  it('sends a plain-HTTP request to the https PUBLIC_URL, keeps the probes plain, believes only trusted proxies', async () => {
    const app = await createTestApp({
      database,
      env: { ...PRODUCTION_ENV, HTTPS_REDIRECT: 'on', TRUST_PROXY: '10.0.0.0/8', PUBLIC_URL: 'https://api.example' },
    });
    const plain = await fetchFrom(app, '/graphql?query=%7B__typename%7D', { headers: { host: 'evil.example' } }, '10.0.0.9');
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe('https://api.example/graphql?query=%7B__typename%7D');
    expectSecurityHeaders(plain);

    const secure = await fetchFrom(app, '/graphql', { ...query, headers: { ...query.headers, 'x-forwarded-proto': 'https' } }, '10.0.0.9');
    expect(secure.status).toBe(200);
    expect(secure.headers.get('strict-transport-security')).toContain('max-age=');

    const spoofed = await fetchFrom(app, '/graphql', { ...query, headers: { ...query.headers, 'x-forwarded-proto': 'https' } }, '198.51.100.1');
    expect(spoofed.status).toBe(308);

    expect((await fetchFrom(app, '/health', {}, '10.0.0.9')).status).toBe(200);
    await app.close();
  });
});
