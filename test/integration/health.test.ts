import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('health and readiness', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close().catch(() => undefined);
  });

  it('answers /health and /ready with JSON while the database answers', async () => {
    t = await createTestApp();
    const health = await t.app.fetch('http://localhost/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.fetch('http://localhost/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
    expect(ready.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers /ready with 503 naming the database when it is down, while /health stays 200', async () => {
    t = await createTestApp();
    await t.database.close();
    const ready = await t.app.fetch('http://localhost/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', down: ['database'] });
    expect((await t.app.fetch('http://localhost/health')).status).toBe(200);
  });

  it('answers an unknown path with 404 and a wrong method on /health with 405', async () => {
    t = await createTestApp();
    expect((await t.app.fetch('http://localhost/nope')).status).toBe(404);
    expect((await t.app.fetch('http://localhost/health', { method: 'DELETE' })).status).toBe(405);
  });

  it('keeps a safe client request id and replaces one that could forge a log line', async () => {
    t = await createTestApp();
    const kept = await t.app.fetch('http://localhost/health', { headers: { 'x-request-id': 'client-abc-123456' } });
    expect(kept.headers.get('x-request-id')).toBe('client-abc-123456');
    const replaced = await t.app.fetch('http://localhost/health', { headers: { 'x-request-id': 'evil id\u0000"x' } });
    expect(replaced.headers.get('x-request-id')).not.toContain('evil');
    const line = t.log.entries().find((e) => e['path'] === '/health' && e['requestId'] === 'client-abc-123456');
    expect(line).toMatchObject({ method: 'GET', status: 200, msg: 'request' });
  });
});
